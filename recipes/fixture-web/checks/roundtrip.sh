#!/bin/sh
# A marker round-trip through ccci-run's helper subcommands, with no knowledge of Docker or of the
# gateway: written over HTTPS, read back over HTTPS, found on the app's data volume inside its
# container, deleted, and gone. Exit 0 pass, 1 the app got something wrong, 2 a helper could not
# do its part (the check is then an error, not the recipe's failure).
set -u
name="script-roundtrip-$(date +%s)-$$"
value="written by the script check to $CCCI_APP"

# After a helper said no: its exit 1 is the app's answer (the check fails with `why`); any other
# exit means it could not ask (the check is an error).
judge() { # exit status, why
  if [ "$1" -eq 1 ]; then
    echo "roundtrip: $2"
    exit 1
  fi
  echo "roundtrip: a helper could not be carried out (exit $1) where: $2"
  exit 2
}
fail() {
  echo "roundtrip: $*"
  exit 1
}

ccci-run http --method PUT --data "$value" "/cgi-bin/marker/$name" >/dev/null ||
  judge $? "PUT /cgi-bin/marker/$name was refused"
read_back=$(ccci-run http "/cgi-bin/marker/$name") || judge $? "GET /cgi-bin/marker/$name failed after the PUT"
[ "$read_back" = "$value" ] || fail "GET /cgi-bin/marker/$name answered '$read_back', not '$value'"
printf '%s\n' "$read_back" >"$CCCI_ARTIFACT_DIR/marker.txt"

on_volume=$(ccci-run exec app -- cat "/data/markers/$name") ||
  judge $? "/data/markers/$name is not in the app container"
[ "$on_volume" = "$value" ] || fail "/data/markers/$name holds '$on_volume', not '$value'"

ccci-run http --method DELETE "/cgi-bin/marker/$name" >/dev/null ||
  judge $? "DELETE /cgi-bin/marker/$name was refused"
# 404 is what is wanted here, and `http` exits 1 for it: only an exit above 1 is a helper's trouble.
status=$(ccci-run http --status-only "/cgi-bin/marker/$name")
code=$?
[ "$code" -le 1 ] || judge "$code" "GET /cgi-bin/marker/$name after the DELETE"
[ "$status" = 404 ] || fail "GET /cgi-bin/marker/$name after the DELETE answered '$status', not 404"
ccci-run exec app -- test ! -e "/data/markers/$name" || judge $? "/data/markers/$name is still on the volume"
echo "marker $name written, read back, found on the volume and deleted"
