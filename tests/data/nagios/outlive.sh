#!/bin/sh
# Gives its verdict and exits at once, leaving a child that holds stdout
# open.  With an argument, writes its pid (its process group) there first.
if [ -n "$1" ]; then echo $$ > "$1"; fi
echo "OK - left a child behind | items=3"
sleep 300 &
exit 0
