#!/bin/sh
# Says nothing at all, and exits 0.
exit 0
