#include <string.h>

#include "wipe.h"

void
vcm_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}
