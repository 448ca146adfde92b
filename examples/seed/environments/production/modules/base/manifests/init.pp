# Common to every node: a message of the day naming the node and its role.
# $base::root is '' on a real machine, or a sandbox directory (the quickstart
# gives each agent one through the external fact kuroko_sandbox).
class base (
  String $motd_owner = 'root',
) {
  $root = $facts['kuroko_sandbox'] ? {
    undef   => '',
    default => $facts['kuroko_sandbox'],
  }

  # A sandbox starts empty: give it the directories a real machine has.
  if $root != '' {
    file { [$root, "${root}/etc", "${root}/var"]:
      ensure => directory,
    }
  }

  file { "${root}/etc/motd":
    ensure  => file,
    mode    => '0644',
    content => template('base/motd.erb'),
  }
}
