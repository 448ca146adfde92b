# node2 is a reverse proxy in front of node1.
node 'node2.test.com' inherits 'base' {
  include nginx::nginx_proxy
}
