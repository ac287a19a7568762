#!/bin/sh
# Deliberately committed without its executable bit.
echo "OK - should never run"
