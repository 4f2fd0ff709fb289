# Sourced by the test harnesses: free_port prints a TCP port on 127.0.0.1 that nothing listens on
# now (the kernel's pick), for a server the harness is about to start.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
