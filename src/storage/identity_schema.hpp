#pragma once

#include <string_view>

namespace sg::storage {

/// Migration 4: MFA, lockout, account expiry, password history, recovery codes, invitations,
/// API tokens and listable sessions. Secrets (TOTP keys) are stored sealed with the server's
/// data key; every token, recovery code and invitation only as a SHA-256 of its random value.
constexpr std::string_view kIdentitySchema = R"sql(
ALTER TABLE users ADD COLUMN mfa_secret TEXT;
ALTER TABLE users ADD COLUMN mfa_pending_secret TEXT;
ALTER TABLE users ADD COLUMN mfa_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT;
ALTER TABLE users ADD COLUMN last_sign_in_at TEXT;
ALTER TABLE users ADD COLUMN expires_at TEXT;
ALTER TABLE users ADD COLUMN password_set INTEGER NOT NULL DEFAULT 1;

CREATE TABLE password_history (
  id {pk},
  user_id BIGINT NOT NULL REFERENCES users(id),
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, id);

CREATE TABLE recovery_codes (
  id {pk},
  user_id BIGINT NOT NULL REFERENCES users(id),
  code_hash TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE invitations (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_by BIGINT REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX invitations_user ON invitations(user_id);

CREATE TABLE api_tokens (
  id {pk},
  user_id BIGINT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN public_id TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN enrolment_only INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX sessions_public_id ON sessions(public_id);
)sql";

}  // namespace sg::storage
