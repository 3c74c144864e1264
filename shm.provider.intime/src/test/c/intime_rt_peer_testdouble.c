/*
 * TEST DOUBLE -- a stand-in for an INtime RT process, NOT VENDOR SOFTWARE.
 *
 * What a real RT process does before a Windows process maps its memory through NTX: allocate memory, create a
 * memory handle and catalog it in the root process's object directory; then it writes a text into the memory.
 * Usage: intime_rt_peer_testdouble NAME SIZE TEXT (the store from SHM_TESTDOUBLE_ROOT). Prints "READY <rthandle>",
 * then for each line on stdin: "read" prints "DATA <text at offset 0>", "exit" deletes the segment and ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "win32_objects_testdouble.h"

WORD TestDouble_RtCreateCatalogued(const char *name, DWORD size);
int TestDouble_RtDelete(WORD rt);
void *TestDouble_RtMap(WORD rt);

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s NAME SIZE TEXT\n", argv[0]);
        return 2;
    }
    WORD rt = TestDouble_RtCreateCatalogued(argv[1], (DWORD) strtoul(argv[2], NULL, 0));
    char *memory = rt == 0 ? NULL : TestDouble_RtMap(rt);
    if (memory == NULL) {
        printf("FAILED\n");
        return 1;
    }
    strcpy(memory, argv[3]);
    printf("READY %u\n", (unsigned) rt);
    fflush(stdout);
    char line[256];
    while (fgets(line, sizeof line, stdin) != NULL) {
        if (strncmp(line, "read", 4) == 0) {
            printf("DATA %s\n", memory);
            fflush(stdout);
        } else if (strncmp(line, "exit", 4) == 0) {
            break;
        }
    }
    TestDouble_RtDelete(rt);
    printf("EXITED\n");
    return 0;
}
