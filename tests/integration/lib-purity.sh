#!/bin/sh
# lib/ipmi is a pure codec library: no sockets, no clock, no heap, no
# globals it could write, no output. This checks every object of the
# library for undefined symbols from those families and for symbols in
# writable sections (.data, .bss). Const tables (.rodata, and
# .data.rel.ro, which is read-only once relocated) are fine.
. tests/lib/tap.sh

objs=$(ls "$VCM_BUILD"/lib/ipmi/*.o 2>/dev/null)
if [ -z "$objs" ]; then
	tap_plan 1
	not_ok "no lib/ipmi objects under $VCM_BUILD (build first)"
	exit 1
fi
set -- $objs
tap_plan $(( $# * 2 ))

# Allocation, I/O, sockets, clock, randomness, process state, output.
forbidden='^(malloc|calloc|realloc|reallocarray|free|strdup|strndup|posix_memalign|aligned_alloc|mmap|socket|connect|bind|listen|accept|send|sendto|sendmsg|recv|recvfrom|recvmsg|read|write|open|openat|close|fopen|poll|select|epoll_wait|time|clock_gettime|gettimeofday|clock|nanosleep|sleep|usleep|rand|random|srand|getrandom|RAND_bytes|RAND_priv_bytes|getenv|printf|fprintf|puts|fputs|perror|syslog|abort|exit|_exit|assert|__assert_fail|CRYPTO_malloc|CRYPTO_free|OPENSSL_malloc)$'

for o in "$@"; do
	name=$(basename "$o")
	bad=$(nm -u "$o" | awk '{print $2}' | grep -E "$forbidden")
	if [ -z "$bad" ]; then
		ok "$name calls no allocator, socket, clock, randomness or output"
	else
		not_ok "$name uses: $(echo $bad)"
	fi
	# objdump -t: flags, section, size, name; skip sanitizer metadata.
	w=$(objdump -t "$o" | awk '$NF !~ /^(__odr_asan|___asan|__asan|__ubsan|\.)/ && ($0 ~ / \.data[ \t]/ || $0 ~ / \.bss[ \t]/) && $0 ~ / O /' )
	if [ -z "$w" ]; then
		ok "$name has no writable globals"
	else
		not_ok "$name has writable globals: $(echo "$w" | awk '{print $NF}' | tr '\n' ' ')"
	fi
done
