#!/bin/sh
# Never finishes: a background child and the script itself (exec'd into
# sleep) sleep far past any timeout.  With an argument, writes its pid (its
# process group) there first.
if [ -n "$1" ]; then echo $$ > "$1"; fi
echo "starting"
sleep 300 &
exec sleep 300
