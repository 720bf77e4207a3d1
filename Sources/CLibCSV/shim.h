// The one C header lbp needs: libcsv's parser (Debian package libcsv-dev).
#ifndef LBP_CLIBCSV_SHIM_H
#define LBP_CLIBCSV_SHIM_H
#include <csv.h>
#endif
