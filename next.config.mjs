/** @type {import('next').NextConfig} */
const nextConfig = {
  // ssh2 and better-sqlite3 are native/Node-only: keep them out of the server bundle.
  serverExternalPackages: ['ssh2', 'better-sqlite3', '@prisma/adapter-better-sqlite3', 'cpu-features'],
  poweredByHeader: false,
  reactStrictMode: true,
};
export default nextConfig;
