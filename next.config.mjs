/** @type {import('next').NextConfig} */
const nextConfig = {
  // ssh2 and better-sqlite3 are native/Node-only: keep them out of the server bundle.
  serverExternalPackages: ['ssh2', 'better-sqlite3', '@prisma/adapter-better-sqlite3', 'cpu-features'],
  poweredByHeader: false,
  reactStrictMode: true,
  // Build assets skip proxy.ts (which sets the security headers of everything else): give them the basics.
  async headers() {
    return [
      {
        source: '/_next/static/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
          { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};
export default nextConfig;
