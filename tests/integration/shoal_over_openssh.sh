#!/usr/bin/env bash
# shoal with every host reached through the system's ssh (--ssh-program):
# runs integration tests written for shoal's own SSH over the OpenSSH
# transport, so that both pass the same tests.
: "${SHOAL_BINARY:?}"
case ${1:-} in
push | plan | rollback) exec "$SHOAL_BINARY" "$1" --ssh-program ssh "${@:2}" ;;
*) exec "$SHOAL_BINARY" "$@" ;;
esac
