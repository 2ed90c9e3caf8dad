/* vdiskd: placeholder entry point until the server lands. */
#include "config.h"

int main(void) { return 0; }
