# node1 serves the site.
node 'node1.test.com' inherits 'base' {
  include nginx::nginx_web
}
