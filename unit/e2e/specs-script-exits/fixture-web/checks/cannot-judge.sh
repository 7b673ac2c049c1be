#!/bin/sh
# The script could not judge (a tool it needs is missing): exit 2, the check's error.
echo "jq: command not found" >&2
exit 2
