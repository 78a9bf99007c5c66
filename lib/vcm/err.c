#include "err.h"

const char *
vcm_strerror(int r)
{
	switch (r) {
	case VCM_OK:
		return "success";
#define VCM_ERR_TEXT(name, val, text) case (val): return (text);
	VCM_ERR_MAP(VCM_ERR_TEXT)
#undef VCM_ERR_TEXT
	}
	return r > 0 ? "success" : "unknown error";
}

const char *
vcm_errname(int r)
{
	switch (r) {
	case VCM_OK:
		return "OK";
#define VCM_ERR_NAME(name, val, text) case (val): return #name;
	VCM_ERR_MAP(VCM_ERR_NAME)
#undef VCM_ERR_NAME
	}
	return r > 0 ? "OK" : "EUNKNOWN";
}
