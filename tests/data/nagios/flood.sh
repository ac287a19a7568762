#!/bin/sh
# A 21-byte verdict line, then 3,000,000 bytes without a newline.
echo "OK - flood | lines=1"
head -c 3000000 /dev/zero | tr '\0' 'x'
