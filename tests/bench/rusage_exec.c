/* Runs a command and writes what wait4(2) says it used: the harness's own measuring tool.
 *
 *   rusage_exec OUTPUT_FILE COMMAND [ARG...]
 *
 * OUTPUT_FILE receives one line: "<user seconds> <sys seconds> <max RSS KiB> <exit status>"
 * (exit status 128+N when the command died of signal N). rusage_exec exits with the command's
 * status.
 *
 * Why not wait4 from the Python harness directly: Linux carries a process's peak RSS across
 * execve (ru_maxrss is the maximum over every image the process ran), so a client forked from
 * the harness's Python interpreter would report at least the interpreter's RSS. This program is
 * small, and the client is forked from it. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static double seconds(struct timeval t) { return (double)t.tv_sec + (double)t.tv_usec / 1e6; }

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: rusage_exec OUTPUT_FILE COMMAND [ARG...]\n");
    return 2;
  }
  const pid_t child = fork();
  if (child < 0) {
    perror("rusage_exec: fork");
    return 125;
  }
  if (child == 0) {
    execvp(argv[2], argv + 2);
    fprintf(stderr, "rusage_exec: %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  int status = 0;
  struct rusage usage;
  while (wait4(child, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      perror("rusage_exec: wait4");
      return 125;
    }
  }
  const int exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  FILE* output = fopen(argv[1], "w");
  if (output == NULL) {
    perror("rusage_exec: output file");
    return 125;
  }
  fprintf(output, "%.6f %.6f %ld %d\n", seconds(usage.ru_utime), seconds(usage.ru_stime),
          usage.ru_maxrss, exit_status);
  fclose(output);
  return exit_status;
}
