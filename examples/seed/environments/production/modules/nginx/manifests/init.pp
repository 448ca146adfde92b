# nginx itself: the package, the main configuration and the service.
# On a real machine (root, no sandbox) it installs and runs Debian's nginx.
# In a sandbox, files go under the sandbox and the package and service are
# only reported (noop), so the example changes nothing outside it.
class nginx (
  String $package_name = 'nginx',
  String $service_name = 'nginx',
) {
  include base
  $root = $base::root
  $sandboxed = $root != ''
  $conf_dir = "${root}/etc/nginx"

  package { $package_name:
    ensure => installed,
    noop   => $sandboxed,
  }

  file { [$conf_dir, "${conf_dir}/conf.d", "${root}/var/www", "${root}/var/www/kuroko"]:
    ensure => directory,
    mode   => '0755',
  }

  # Debian's default site listens on port 80; the example's sites are on 127.0.0.1.
  file { "${conf_dir}/sites-enabled/default":
    ensure  => absent,
    require => Package[$package_name],
  }

  # In a sandbox nginx may not even be installed, and its init script with
  # it: ask for the status by process name instead, so that the noop run can
  # report what it would do rather than fail looking for the script.
  $status = $sandboxed ? {
    true    => "/usr/bin/pgrep -x ${service_name}",
    default => undef,
  }

  service { $service_name:
    ensure    => running,
    enable    => true,
    hasstatus => true,
    status    => $status,
    noop      => $sandboxed,
    subscribe => Package[$package_name],
  }

  Package[$package_name] -> File[$conf_dir]
}
