# Renders ERB templates with Ruby's own ERB, the way Puppet's TemplateWrapper
# does (trim_mode '-', instance variables from the scope, a `scope` object),
# for Kuroko's differential tests and benchmark. One JSON request per line on
# stdin: {"source":..., "file":..., "vars": ENCODED, "repeat": N}; one JSON reply
# per line: {"ok": output} or {"error": "Class: message", "line": n}.
# Values are encoded as in test/compiler/erb/values-codec.ts: {"__float":x},
# {"__sym":s}, {"__hash":[[k,v],...]}, arrays, strings, integers, null.
require 'erb'
require 'json'

def decode(v)
  case v
  when Array then v.map { |x| decode(x) }
  when Hash
    if v.key?('__float') then v['__float'].to_f
    elsif v.key?('__sym') then v['__sym'].to_sym
    elsif v.key?('__hash') then v['__hash'].each_with_object({}) { |(k, x), h| h[decode(k)] = decode(x) }
    else v.each_with_object({}) { |(k, x), h| h[k] = decode(x) }
    end
  else v
  end
end

# The same toy functions the TypeScript side implements (test/compiler/erb/fake-scope.ts).
def call_fn(name, args)
  case name
  when 'upcase' then args[0].to_s.upcase
  when 'join' then args[0].join(args[1] || '')
  when 'versioncmp'
    a, b = args.map { |x| x.to_s.split('.').map(&:to_i) }
    a <=> b
  when 'warning', 'notice', 'debug', 'info' then nil
  when 'template' then "[template #{args.join(',')}]"
  when 'str2bool' then %w[true yes 1 y].include?(args[0].to_s.downcase)
  when 'fqdn_rotate' then args[0]
  when 'apache::bool2httpd' then args[0] == true ? 'On' : args[0] == false ? 'Off' : args[0].to_s
  when 'memcached::max_memory' then 64
  when 'pick' then args.find { |x| !x.nil? && x != '' && x != :undef }
  when 'fail' then raise Puppet_ParseError, args.join(' ')
  else raise NoMethodError, "unknown function #{name}"
  end
end
class Puppet_ParseError < StandardError; end

class FakeScope
  def initialize(vars) @vars = vars end
  def lookupvar(name, options = {}) @vars[name.to_s.sub(/\A::/, '')] end
  def [](name, options = {}) lookupvar(name) end
  def setvar(name, value, options = {}) @vars[name.to_s] = value end
  def include?(name) @vars.key?(name.to_s.sub(/\A::/, '')) end
  alias exist? include?
  def to_hash() @vars.dup end
  def call_function(name, args) call_fn(name, args) end
  def method_missing(name, *args)
    if name.to_s.start_with?('function_')
      raise ArgumentError, 'function_* expects one Array' unless args.size == 1 && args[0].is_a?(Array)
      call_fn(name.to_s.sub('function_', ''), args[0])
    else
      super
    end
  end
  def respond_to_missing?(n, p = false) n.to_s.start_with?('function_') || super end
end

class Wrapper
  def initialize(file, vars)
    @__file__ = file
    @__scope__ = FakeScope.new(vars)
    vars.each do |k, v|
      instance_variable_set("@#{k}", v) if !v.nil? && k =~ /\A[a-z_][A-Za-z0-9_]*\z/
    end
  end
  def scope() @__scope__ end
  def file() @__file__ end
  def has_variable?(name) @__scope__.include?(name) end
  def tags() [] end
  def classes() [] end
  def all_tags() [] end
  def result(src)
    erb = ERB.new(src, trim_mode: '-')
    erb.filename = @__file__
    erb.result(binding)
  end
end

# Templates may call puts: keep it off the reply channel.
PROTO = $stdout.dup
PROTO.sync = true
$stdout = $stderr
STDIN.each_line do |line|
  req = JSON.parse(line)
  vars = decode(req['vars'] || {})
  n = req['repeat'] || 1
  begin
    out = nil
    t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    n.times { out = Wrapper.new(req['file'] || 'inline', vars).result(req['source']) }
    t1 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
    out = out.dup.force_encoding('UTF-8')
    out = out.scrub unless out.valid_encoding?
    PROTO.puts JSON.generate({ 'ok' => out, 'seconds' => t1 - t0 })
  rescue Exception => e
    ln = (e.backtrace || []).map { |b| b[/\A#{Regexp.escape(req['file'] || 'inline')}:(\d+)/, 1] }.compact.first
    PROTO.puts JSON.generate({ 'error' => "#{e.class}: #{e.message}"[0, 300].scrub, 'line' => ln && ln.to_i })
  end
end
