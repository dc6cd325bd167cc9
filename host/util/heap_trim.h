// Gives the heap's free memory back to the system (glibc's malloc_trim). A long-lived process
// that runs many tasks at once keeps each thread's malloc arena at its peak: after a posted
// manifest of 2,000 tasks the daemon's RSS stayed 8 to 25 MiB above what it held, rising over
// the first runs to about 66 MiB, where trimming after each run keeps it near 41 (issue 12's
// flat memory). Only free pages go, so nothing that is in use moves; the next run takes them
// back from the system as it needs them.
#pragma once

namespace taskhost {

void return_free_heap_to_system();

}  // namespace taskhost
