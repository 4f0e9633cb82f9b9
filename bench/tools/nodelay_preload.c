/* nodelay_preload — an experiment, not a fix: LD_PRELOAD'ed into nexusd, it
 * sets TCP_NODELAY on every accepted connection, which is what
 * Tcp::Options::NoDelay on the pistache endpoint would do. bench/README.md
 * shows what it changes (the MCP answer is several small writes; without it
 * Nagle holds the last one until the client's delayed ACK, ~40 ms).
 *
 *   gcc -shared -fPIC -O2 bench/tools/nodelay_preload.c -o /tmp/nodelay.so -ldl
 *   python3 bench/load/main.py --build build-bench --nexusd-preload /tmp/nodelay.so
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

int accept4(int fd, struct sockaddr* addr, socklen_t* len, int flags) {
  static int (*real_accept4)(int, struct sockaddr*, socklen_t*, int);
  if (!real_accept4) real_accept4 = (int (*)(int, struct sockaddr*, socklen_t*, int))dlsym(RTLD_NEXT, "accept4");
  const int s = real_accept4(fd, addr, len, flags);
  if (s >= 0) {
    const int one = 1;
    (void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return s;
}
