// Whole manifests using the module functions that touch the catalog or the
// scope; `files` are written under a private module directory (placed before
// the corpus on the modulepath).
export interface CatalogCase { name: string; manifest: string; files?: Record<string, string> }

export const CATALOG_CASES: CatalogCase[] = [
  {
    name: 'ensure_packages, ensure_resource(s), defined_with_params, getparam',
    manifest: `
ensure_packages(['b', 'c'], {'ensure' => 'present'})
ensure_packages({'d' => {'ensure' => 'latest'}})
ensure_packages('c')
ensure_resource('user', ['u1', 'u2'], {'ensure' => 'present'})
ensure_resource('user', 'u1', {'ensure' => 'present'})
ensure_resources('group', {'g1' => {'gid' => 1}, 'g2' => {}}, {'ensure' => 'present'})
file { '/tmp/x': ensure => file, mode => '0644' }
$d1 = defined_with_params(File['/tmp/x'], {'mode' => '0644'})
$d2 = defined_with_params(File['/tmp/x'], {'mode' => '0600'})
$d3 = defined_with_params('File[/tmp/x]')
$d4 = defined_with_params(File['/tmp/nope'])
$d5 = defined_with_params('File[/tmp/x]', {'owner' => undef})
$g = getparam(File['/tmp/x'], 'mode')
$g2 = getparam(File['/tmp/x'], 'owner')
notify { 'r': message => [$d1, $d2, $d3, $d4, $d5, $g, $g2] }
`,
  },
  {
    name: 'ensure_packages over a package declared differently is a duplicate',
    manifest: `package { 'a': ensure => present }\nensure_packages(['a'])\n`,
  },
  {
    name: 'ensure_resource inside a define of the same type skips itself',
    manifest: `
define mywrap($v = 1) { ensure_resource('mywrap', 'other', {'v' => 2}) }
mywrap { 'one': }
ensure_resource('mywrap', 'one', {'v' => 1})
`,
  },
  {
    name: 'assert_private allows the module itself',
    files: {
      'privmod/manifests/init.pp': 'class privmod { include privmod::inner }\n',
      'privmod/manifests/inner.pp': "class privmod::inner { assert_private()\n notify { 'inner': } }\n",
    },
    manifest: 'include privmod\n',
  },
  {
    name: 'assert_private refuses another caller',
    files: {
      'privmod/manifests/init.pp': 'class privmod { include privmod::inner }\n',
      'privmod/manifests/inner.pp': "class privmod::inner { assert_private()\n notify { 'inner': } }\n",
    },
    manifest: 'include privmod::inner\n',
  },
  {
    name: 'assert_private with a message',
    files: {
      'privmod/manifests/msg.pp': "class privmod::msg { assert_private('do not use privmod::msg') }\n",
    },
    manifest: 'include privmod::msg\n',
  },
  {
    name: 'scope_defaults and template_body',
    files: {
      'tplmod/templates/t.erb': 'raw <%= @x %> text\n',
      'tplmod/templates/u.erb': 'second\n',
    },
    manifest: `
Exec { path => '/bin' }
notify { 'r': message => [scope_defaults('Exec', 'path'), scope_defaults('Exec', 'cwd'), template_body('tplmod/t.erb', 'tplmod/u.erb')] }
`,
  },
  {
    name: 'validate_legacy accepting a previously invalid value, deprecation and fact',
    manifest: `
validate_legacy(String, 'validate_re', 'abc', '^x')
deprecation('k', 'a message')
notify { 'r': message => [fact('os.family'), fact('processors.models.0')] }
`,
  },
  {
    name: 'inifile::create_ini_settings and stdlib::str2resource',
    manifest: `
$settings = { 'section1' => { 'setting1' => 'value1', 'setting2' => { 'value' => 'v2', 'ensure' => 'absent' } }, 'section2' => { 'setting3' => 3 } }
inifile::create_ini_settings($settings, { 'path' => '/tmp/settings.ini' })
file { '/tmp/y': ensure => file }
notify { 'r': require => stdlib::str2resource('File[/tmp/y]') }
`,
  },
  {
    name: 'stdlib::str2resource of an absent resource',
    manifest: "notify { 'r': message => [String(stdlib::str2resource('File[/nope]'))] }\n",
  },
  {
    name: 'create_ini_settings (the deprecated 3.x name)',
    manifest: "create_ini_settings({ 'main' => { 'a' => 1 } }, { 'path' => '/tmp/old.ini' })\n",
  },
];
