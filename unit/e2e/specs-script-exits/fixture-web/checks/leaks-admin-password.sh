#!/bin/sh
# Prints CCCI_ADMIN_PASSWORD in every form a tool might — plain, split across two writes, base64
# at each byte offset, HTTP Basic credentials, URL- and JSON-escaped — to stdout and stderr, and
# saves it into an artifact; then fails. The test reads the password from $TMPDIR (its own
# directory, outside OUT) to search OUT for it.
pw=$CCCI_ADMIN_PASSWORD
printf '%s' "$pw" >"$TMPDIR/ccci-e2e-admin-password"
hex=$(printf '%s' "$pw" | od -An -tx1 | tr -d ' \n')
leak() {
  printf 'plain: %s\n' "$pw"
  printf 'split: %s' "$(printf '%s' "$pw" | cut -c1-14)"
  printf '%s\n' "$(printf '%s' "$pw" | cut -c15-)"
  for prefix in "" x xy; do printf 'base64: %s\n' "$(printf '%s%s' "$prefix" "$pw" | base64 | tr -d '\n')"; done
  for user in a ab "$CCCI_ADMIN_USER"; do
    printf 'Authorization: Basic %s\n' "$(printf '%s:%s' "$user" "$pw" | base64 | tr -d '\n')"
  done
  printf 'url: %s\n' "$(printf '%s' "$hex" | sed 's/../%&/g')"
  printf 'URL: %s\n' "$(printf '%s' "$hex" | tr a-f A-F | sed 's/../%&/g')"
  printf 'json: {"password": "%s"}\n' "$(printf '%s' "$hex" | sed 's/../\\u00&/g')"
}
leak
leak >&2
leak >"$CCCI_ARTIFACT_DIR/login-form.txt"
exit 1
