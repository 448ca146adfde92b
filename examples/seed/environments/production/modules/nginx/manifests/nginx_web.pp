# The web server role: a site on 127.0.0.1:$port serving a page from the module.
class nginx::nginx_web (
  Integer $port = 8081,
  String  $server_name = $facts['networking']['fqdn'],
) {
  include nginx
  $docroot = "${nginx::root}/var/www/kuroko"

  file { "${nginx::conf_dir}/conf.d/kuroko_web.conf":
    ensure  => file,
    mode    => '0644',
    content => template('nginx/web.conf.erb'),
    notify  => Service[$nginx::service_name],
  }

  file { "${docroot}/index.html":
    ensure => file,
    mode   => '0644',
    source => 'puppet:///modules/nginx/index.html',
  }
}
