#!/bin/sh
# Nothing on stdout: the reason is on stderr.
echo "cannot connect to the database" >&2
echo "second line of stderr" >&2
exit 2
