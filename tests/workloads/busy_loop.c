/*
 * A CPU-bound process with a recognizable function name, for profile ground truth.
 * Built with frame pointers and symbols so user stacks unwind and resolve:
 *   gcc -O0 -fno-omit-frame-pointer -g -o busy_loop busy_loop.c
 * Usage: busy_loop SECONDS   (exits by itself, so a crashed test leaves nothing spinning)
 */
#include <stdlib.h>
#include <time.h>

volatile unsigned long bpfdeck_sink;

__attribute__((noinline)) void bpfdeck_busy_loop(double seconds) {
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    for (int i = 0; i < 1000000; i++) bpfdeck_sink += (unsigned long)i * 2654435761u;
    clock_gettime(CLOCK_MONOTONIC, &t);
    if ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 >= seconds) return;
  }
}

int main(int argc, char **argv) {
  bpfdeck_busy_loop(argc > 1 ? atof(argv[1]) : 10.0);
  return 0;
}
