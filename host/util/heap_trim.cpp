#include "util/heap_trim.h"

#include <malloc.h>

namespace taskhost {

void return_free_heap_to_system() {
    ::malloc_trim(0);  // every arena, not only the main one (glibc 2.8 and later)
}

}  // namespace taskhost
