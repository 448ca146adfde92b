# site.pp of the classic master/agent walkthrough: node definitions live in
# one file per role and are imported here (an old form Kuroko keeps).
import 'nodes/web.pp'
import 'nodes/proxy.pp'

# Every node gets the common classes; the role nodes inherit it.
node 'base' {
  include base
}

# A node nobody described gets the common classes only.
node default {
  include base
}
