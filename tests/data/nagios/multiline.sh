#!/bin/sh
# Multi-line output: perfdata on the first line, long text (whose words are
# not perfdata), then a second perfdata part after a later '|' that runs on
# to the following lines, one fragment in it malformed.
echo "DISK WARNING - 2 of 3 mounts | '/'=10MB;80;90;0;100"
echo "/ 10MB used of 100MB"
echo "/var 2MB used, warn=yes | '/var'=2MB;80;90;0;100"
echo "'/home dir'=1.5GB 'it''s'=7"
echo "bad=1,5 rtt=12ms;@5:10;~:20"
exit 1
