#!/bin/sh
# An exit status that is no plugin state.
echo "something odd | x=1"
exit 255
