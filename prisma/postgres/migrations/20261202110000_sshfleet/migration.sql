-- Fleet inventory (issue 9), PostgreSQL form of prisma/migrations/20261202100000_sshfleet: SSH identities
-- as objects of their own, jump host chains and tags. Every host's private key moves into an identity of
-- its own ("host-<name>", kind key); the host refers to it and its legacy column is emptied.

CREATE TABLE "SshIdentity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "privateKeyEnc" TEXT,
    "passphraseEnc" TEXT,
    "agentSocket" TEXT,
    "publicKey" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL
);
CREATE UNIQUE INDEX "SshIdentity_name_key" ON "SshIdentity"("name");

ALTER TABLE "Host" ALTER COLUMN "privateKeyEnc" SET DEFAULT '';
ALTER TABLE "Host" ADD COLUMN "identityId" TEXT REFERENCES "SshIdentity" ("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Host" ADD COLUMN "jumpHostIds" TEXT NOT NULL DEFAULT '[]';
ALTER TABLE "Host" ADD COLUMN "tagsJson" TEXT NOT NULL DEFAULT '{}';

INSERT INTO "SshIdentity" ("id", "name", "kind", "privateKeyEnc", "publicKey", "fingerprint", "updatedAt")
  SELECT "id", 'host-' || "name", 'key', "privateKeyEnc", '', '', CURRENT_TIMESTAMP FROM "Host" WHERE "privateKeyEnc" <> '';
UPDATE "Host" SET "identityId" = "id", "privateKeyEnc" = '' WHERE "privateKeyEnc" <> '';
