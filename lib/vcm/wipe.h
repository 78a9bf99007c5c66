/*
 * Secret wiping. Passwords, Kg, SIK, K1, K2 and tokens are wiped with
 * this as soon as they are no longer needed; unlike memset() the compiler
 * may not elide it.
 */
#ifndef VCM_WIPE_H
#define VCM_WIPE_H

#include <stddef.h>

void	vcm_wipe(void *, size_t);

#endif
