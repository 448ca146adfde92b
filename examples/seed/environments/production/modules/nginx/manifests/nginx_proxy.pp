# The reverse proxy role: 127.0.0.1:$port forwards to the web node.
class nginx::nginx_proxy (
  Integer $port = 8082,
  String  $backend_host = '127.0.0.1',
  Integer $backend_port = 8081,
) {
  include nginx

  file { "${nginx::conf_dir}/conf.d/kuroko_proxy.conf":
    ensure  => file,
    mode    => '0644',
    content => epp('nginx/proxy.conf.epp', {
      'port'         => $port,
      'backend_host' => $backend_host,
      'backend_port' => $backend_port,
    }),
    notify  => Service[$nginx::service_name],
  }

  file { "${nginx::conf_dir}/proxy_params_kuroko":
    ensure => file,
    mode   => '0644',
    source => 'puppet:///modules/nginx/proxy_params_kuroko',
    notify => Service[$nginx::service_name],
  }
}
