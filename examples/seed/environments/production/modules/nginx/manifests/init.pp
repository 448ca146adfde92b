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

  service { $service_name:
    ensure    => running,
    enable    => true,
    hasstatus => true,
    noop      => $sandboxed,
    subscribe => Package[$package_name],
  }

  Package[$package_name] -> File[$conf_dir]
}
