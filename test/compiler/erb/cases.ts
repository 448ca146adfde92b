// Hand-written templates covering each feature of the Ruby subset; the
// differential test renders each with Ruby's ERB and with Kuroko.
import { ErbFloat, sym, type ErbValue } from '../../../src/compiler/erb/index.js';

export interface ErbCase {
  name: string;
  source: string;
  vars?: Record<string, ErbValue>;
}

const h = (...kv: [ErbValue, ErbValue][]) => new Map<ErbValue, ErbValue>(kv);

export const VARS: Record<string, ErbValue> = {
  name: 'web01', port: 8080, ratio: new ErbFloat(0.5), big: new ErbFloat(1e20), whole: new ErbFloat(3),
  list: ['b', 'a', 'c'], nums: [3, 1, 2], empty: [], nested: [[1, 2], [3, [4, 5]]], undef_var: undefined,
  opts: h(['b', 1], ['a', 'two'], ['c', [1, 2]]), flag: true, off: false, sym: sym('default'),
  mixed: [1, 'a', undefined, true, new ErbFloat(2.5), sym('s'), h(['k', 'v'])], text: 'Hello World', csv: 'a,b,,c,,',
  servers: h(['s1', h(['host', '10.0.0.1'], ['port', 80])], ['s2', h(['host', '10.0.0.2'], ['port', 443])]),
  version: '2.4.1', path: '/etc/apache2/sites-enabled/site.conf',
};

export const CASES: ErbCase[] = [
  // ERB syntax and trim mode '-'
  { name: 'plain text', source: 'hello\nworld\n' },
  { name: 'insert', source: 'a<%= @name %>b\n' },
  { name: 'trim -%> newline', source: '<% if true -%>\nyes\n<% end -%>\nafter\n' },
  { name: 'trim <%- indentation', source: 'x\n   <%- if true -%>\n  in\n   <%- end -%>\nz' },
  { name: '<%- mid-line keeps text', source: 'ab <%- x = 1 -%> cd\n' },
  { name: '<%- right after a tag', source: '<%= 1 %>  <%- y = 2 -%>\nq' },
  { name: 'no trim without dash', source: '<% if true %>\nyes\n<% end %>\n' },
  { name: 'comment tag', source: 'a<%# a comment %>b\n<%# trimmed -%>\nc\n' },
  { name: 'literal <%%', source: '<%% not code %> and %%> too\n<% x = "%%>" %><%= x %>y' },
  { name: 'insert -%> at end', source: 'v=<%= @port -%>\nnext' },
  { name: 'crlf trim', source: 'a\r\n<% if true -%>\r\nb\r\n<% end -%>\r\n' },
  { name: 'multi-line code', source: '<%\n  a = 1\n  b = 2\n-%>\n<%= a + b %>\n' },
  { name: 'comment in code', source: '<% x = 5 # five\n%><%= x %>' },
  { name: 'text with quotes and backslashes', source: 'a "q" \\n \\\\ #{x} \'s\'\n' },
  { name: 'unicode text', source: 'é ü 日本 <%= "ñ".upcase %> <%= "日本".length %>\n' },
  // to_s / inspect of every kind
  { name: 'to_s of values', source: '<%= nil %>|<%= true %>|<%= 42 %>|<%= -7 %>|<%= 1.5 %>|<%= 2.0 %>|<%= :sym %>|<%= [1, "a", nil, :b, 2.5] %>|<%= {"a" => 1, :b => nil} %>|<%= 1..3 %>' },
  { name: 'float formats', source: '<%= @ratio %> <%= @big %> <%= @whole %> <%= 1e15 %> <%= 1e16 %> <%= 0.0001 %> <%= 0.00001 %> <%= 123456789.123456789 %> <%= 10.0 / 3 %> <%= -0.0 %> <%= 2.5e-7 %>' },
  { name: 'inspect', source: '<%= "a\\"b\\\\c\\n\\t\\e#{1}".inspect %> <%= nil.inspect %> <%= :"odd sym".inspect %> <%= :ok?.inspect %> <%= @mixed.inspect %> <%= /a\\/b/i.inspect %> <%= "\\#{x}".inspect %>' },
  { name: 'hash to_s nested', source: '<%= @opts %> <%= @servers %> <%= {} %> <%= [] %>' },
  { name: 'regexp to_s', source: '<%= /ab+c/ix.to_s %> <%= /x/.source %>' },
  // variables
  { name: 'ivars and unknown ivar', source: '<%= @name %>-<%= @nope.inspect %>-<%= @undef_var.nil? %>' },
  { name: 'scope lookups', source: '<%= scope["name"] %> <%= scope.lookupvar("port") %> <%= scope["::name"] %> <%= scope.lookupvar("missing").inspect %>' },
  { name: 'scope functions', source: '<%= scope.function_upcase(["abc"]) %> <%= scope.call_function("versioncmp", ["1.10", "1.9"]) %> <%= scope.function_versioncmp([@version, "2.4"]) %>' },
  { name: 'has_variable?', source: '<%= has_variable?("name") %> <%= has_variable?("zzz") %>' },
  { name: 'defined?', source: '<%= defined?(@name) %>|<%= defined?(@zzz).inspect %>|<% x = 1 %><%= defined?(x) %>|<%= defined?(String) %>' },
  { name: 'local assignment and ops', source: '<% a = 1; b = a + 2; c ||= 5; c += 1; d = nil; d ||= "x"; e = 1; e &&= 7 %><%= [a, b, c, d, e].join(",") %>' },
  { name: 'multiple assignment', source: '<% a, b = 1, 2 %><% c, d = [3, 4] %><% e, *f = [5, 6, 7] %><%= [a, b, c, d, e, f].inspect %>' },
  { name: 'ivar assignment', source: '<% @name = "changed" %><%= @name %>' },
  // control flow
  { name: 'if elsif else', source: '<% [1, 5, 10].each do |n| -%>\n<% if n < 3 -%>\nsmall\n<% elsif n < 7 -%>\nmid\n<% else -%>\nbig\n<% end -%>\n<% end -%>\n' },
  { name: 'unless else', source: '<% unless @flag %>no<% else %>yes<% end %>' },
  { name: 'modifiers', source: '<%= "a" if @flag %><%= "b" unless @flag %><% x = 0; x += 1 while x < 5 %><%= x %><% y = 10; y -= 1 until y < 3 %><%= y %>' },
  { name: 'ternary', source: '<%= @flag ? "on" : "off" %> <%= @off ? 1 : 2 %> <%= @list.empty? ? "e" : "n" %>' },
  { name: 'case when', source: '<% ["a", 5, :s, 2.5, nil, "zz", [1]].each do |v| %><%= case v\n when "a", "b" then "ab"\n when Integer then "int"\n when Symbol then "sym"\n when Float then "flt"\n when nil then "nil"\n when /z+/ then "zee"\n else "other"\n end %>,<% end %>' },
  { name: 'case ranges', source: '<% [1, 5, 50].each do |v| %><% case v %><% when 0..3 %>low<% when 4...10 %>mid<% else %>hi<% end %> <% end %>' },
  { name: 'case without subject', source: '<% case\n when @port > 9000 then %>high<% when @port > 8000 %>8k<% end %>' },
  { name: 'while until for', source: '<% i = 0 %><% while i < 3 %><%= i %><% i += 1 %><% end %>|<% until i == 0 do i -= 1 %><%= i %><% end %>|<% for x in [1, 2] %><%= x %><% end %>|<% for k, v in {"a" => 1} %><%= k %><%= v %><% end %>' },
  { name: 'and or not', source: '<%= (true and false).inspect %> <%= (nil or "x") %> <%= (not true).inspect %> <%= !@flag %> <%= (@flag && "t") %> <%= (@off || "f") %> <%= (@undef_var && 1).inspect %>' },
  { name: 'truthiness', source: '<% [nil, false, 0, "", [], {}].each do |v| %><%= v ? "T" : "F" %><% end %>' },
  { name: 'next and break', source: '<% [1, 2, 3, 4].each do |x| %><% next if x == 2 %><% break if x == 4 %><%= x %><% end %>|<%= [1, 2, 3].map { |x| next 0 if x == 2; x } %>|<%= [1, 2, 3].each { |x| break x * 10 if x == 2 } %>' },
  { name: 'begin rescue', source: '<% begin %><%= nil.upcase %><% rescue NoMethodError => e %>rescued<% end %>|<%= (Integer("zz") rescue "bad") %>' },
  // blocks and enumerables
  { name: 'each_with_index', source: '<% @list.each_with_index do |x, i| %><%= i %>:<%= x %> <% end %>' },
  { name: 'each_pair and hash each', source: '<% @opts.each_pair do |k, v| -%>\n<%= k %>=<%= v %>\n<% end -%>\n<% @opts.each do |pair| %><%= pair.inspect %><% end %>' },
  { name: 'sorted hash', source: '<% @opts.sort.each do |k, v| %><%= k %>=<%= v %>;<% end %> <% @opts.keys.sort.each do |k| %><%= k %><% end %>' },
  { name: 'map collect select reject', source: '<%= @nums.map { |n| n * 2 }.inspect %> <%= @nums.collect(&:to_s).inspect %> <%= @nums.select { |n| n > 1 }.inspect %> <%= @nums.reject(&:odd?).inspect %> <%= @opts.select { |k, v| v.is_a?(String) }.inspect %> <%= @opts.reject { |k, v| k == "a" }.inspect %>' },
  { name: 'find sort sort_by', source: '<%= @nums.find { |n| n > 1 } %> <%= @list.sort.inspect %> <%= @list.sort { |a, b| b <=> a }.inspect %> <%= @list.sort_by { |x| x }.reverse.inspect %> <%= @servers.sort_by { |k, v| -v["port"] }.map(&:first).inspect %>' },
  { name: 'inject reduce', source: '<%= @nums.inject(:+) %> <%= @nums.inject(10) { |s, n| s + n } %> <%= @nums.reduce(1) { |p, n| p * n } %> <%= @list.inject { |a, b| a + b } %> <%= [].inject(:+).inspect %>' },
  { name: 'group_by flat_map uniq zip', source: '<%= [1, 2, 3, 4].group_by(&:even?).inspect %> <%= [[1, 2], [3]].flat_map { |a| a }.inspect %> <%= [1, 1, 2, "a", "a"].uniq.inspect %> <%= [1, 2].zip(["a", "b"], [true]).inspect %>' },
  { name: 'max min sum count', source: '<%= @nums.max %> <%= @nums.min %> <%= @nums.sum %> <%= @nums.count %> <%= @nums.count { |n| n > 1 } %> <%= @list.max_by { |x| x } %> <%= [1.5, 2].sum %> <%= [].max.inspect %>' },
  { name: 'any all none', source: '<%= @nums.any? { |n| n > 2 } %> <%= @nums.all? { |n| n > 2 } %> <%= @nums.none? { |n| n > 5 } %> <%= [].any? %> <%= [nil].all? %> <%= @opts.any? { |k, v| v == 1 } %>' },
  { name: 'each_slice partition', source: '<%= (1..7).each_slice(3).to_a.inspect %> <%= (1..6).partition(&:even?).inspect %> <%= [3, 1].each_with_object([]) { |x, acc| acc << x * 2 }.inspect %>' },
  { name: 'map with_index and chains', source: '<%= @list.map.with_index { |x, i| "#{i}#{x}" }.join(",") %> <%= @list.each_with_index.map { |x, i| x * i }.inspect %> <%= @list.each.with_index(1).map { |x, i| i }.inspect %>' },
  { name: 'nested block params', source: '<% @opts.each_with_index do |(k, v), i| %><%= i %><%= k %><%= v %> <% end %>' },
  { name: 'block scoping', source: '<% total = 0 %><% @nums.each { |n| total += n; inner = n } %><%= total %> <%= defined?(inner).inspect %>' },
  { name: 'times upto step', source: '<% 3.times do |i| %><%= i %><% end %> <% 1.upto(3) { |i| %><%= i %><% } %> <% 3.downto(1) { |i| %><%= i %><% } %> <%= (1..10).step(3).to_a.inspect %>' },
  // literals
  { name: 'string literals', source: '<%= \'single #{no} \\\' \\\\ \\n\' %> <%= "double #{1 + 1} \\t|\\s|\\u00e9|\\x41" %> <%= %q(q #{x} (paren)) %> <%= %Q{Q #{@port}} %> <%= %(pct #{2}) %> <%= "a" "b" %>' },
  { name: 'interpolation forms', source: '<%= "#{@name}:#{@port}" %> <%= "#@name" %> <%= "nested #{"in #{1 + 1}"}" %> <%= "#{nil}|#{[1, nil]}|#{{"a" => nil}}" %>' },
  { name: 'word arrays and symbols', source: '<%= %w[a b  c].inspect %> <%= %w(x#{1} y).inspect %> <%= %W[a#{1} b].inspect %> <%= %i[a b].inspect %> <%= :sym.to_s %> <%= :"quoted sym".inspect %> <%= "str".to_sym.inspect %>' },
  { name: 'numbers', source: '<%= 7 / 2 %> <%= -7 / 2 %> <%= 7 % 3 %> <%= -7 % 3 %> <%= 7.0 / 2 %> <%= 2 ** 10 %> <%= 1_000 %> <%= 0x1f %> <%= 010 %> <%= 7.fdiv(2) %> <%= 10.divmod(3).inspect %> <%= 3.7.round %> <%= 3.14159.round(2) %> <%= -2.5.round %> <%= 2.5.floor %> <%= 2.1.ceil %> <%= 5.to_f %> <%= 5.9.to_i %>' },
  { name: 'arrays and hashes literals', source: '<%= [1, [2, 3], *[4, 5]].inspect %> <%= {"a" => 1, b: 2, "c": 3}.inspect %> <%= {a: {b: [1]}}.dig(:a, :b, 0) %> <%= [1, 2, 3][-1] %> <%= [1, 2, 3][0, 2].inspect %> <%= [1, 2, 3][1..].inspect %> <%= [1, 2, 3][5].inspect %>' },
  { name: 'ranges', source: '<%= (1..5).to_a.inspect %> <%= (1...5).to_a.inspect %> <%= ("a".."e").to_a.join %> <%= (1..10).include?(5) %> <%= (1..3).map { |i| i * i }.inspect %> <%= (1..4).sum %>' },
  // regexps
  { name: 'regex match and groups', source: '<% if @version =~ /^(\\d+)\\.(\\d+)/ %><%= $1 %>-<%= $2 %><% end %> <%= @name !~ /db/ %> <% m = @path.match(/sites-(\\w+)/) %><%= m[1] %> <%= m[0] %> <%= m.pre_match %>|<%= "abc" =~ /z/ %>' },
  { name: 'gsub sub scan split', source: '<%= @text.gsub(/o/, "0") %> <%= @text.sub("World", "There") %> <%= @text.gsub(/(l+)/) { $1.upcase } %> <%= "a-b_c".gsub(/[-_]/, "-" => "+", "_" => "=") %> <%= @text.scan(/[A-Z]/).inspect %> <%= "k1=v1;k2=v2".scan(/(\\w+)=(\\w+)/).inspect %> <%= @csv.split(",").inspect %> <%= " a  b ".split.inspect %> <%= "a1b2c3".split(/\\d/).inspect %> <%= "abc".split("").inspect %> <%= @csv.split(",", 2).inspect %> <%= @csv.split(",", -1).inspect %>' },
  { name: 'gsub backrefs', source: '<%= "john smith".gsub(/(\\w+) (\\w+)/, \'\\2, \\1\') %> <%= "a.b".gsub(".", "\\\\") %> <%= "x".gsub(/x/, "\\\\0\\\\0") %> <%= "path/to".gsub("/", "\\\\/") %>' },
  { name: 'regex options and escapes', source: '<%= "ABC" =~ /b/i %> <%= "a\\nb" =~ /a.b/m %> <%= "a\\nb" =~ /a.b/ %> <%= "foo.bar" =~ /\\Afoo\\.bar\\z/ %> <%= "x1" =~ /[[:digit:]]/ %> <%= "line1\\nline2".scan(/^l\\w+$/).inspect %>' },
  // strings
  { name: 'string methods 1', source: '<%= @text.upcase %> <%= @text.downcase %> <%= "hello world".capitalize %> <%= "  pad  ".strip %>|<%= "  pad  ".lstrip %>|<%= "  pad  ".rstrip %>| <%= "line\\n".chomp %> <%= "abc".chop %> <%= "abc".reverse %> <%= "abc".length %> <%= "abc".include?("b") %> <%= "abc".start_with?("ab") %> <%= "abc".end_with?("bc", "x") %>' },
  { name: 'string methods 2', source: '<%= "a" * 3 %> <%= "a" + "b" %> <%= "x".center(7, "*") %> <%= "x".ljust(4, ".") %>| <%= "x".rjust(4) %> <%= "hello".tr("el", "ip") %> <%= "hello".tr("a-y", "b-z") %> <%= "hello".delete("l") %> <%= "aaabbb".squeeze %> <%= "hello"[1] %> <%= "hello"[1, 3] %> <%= "hello"[1..-2] %> <%= "hello"[-3..] %> <%= "hello".index("l") %> <%= "hello".rindex("l") %> <%= "Hello".swapcase %> <%= "abc".succ %> <%= "az".next %>' },
  { name: 'string conversions', source: '<%= "42".to_i + 1 %> <%= "42abc".to_i %> <%= "abc".to_i %> <%= "3.5".to_f %> <%= "1e3".to_f %> <%= "ff".hex %> <%= "17".oct %> <%= 255.to_s(16) %> <%= "x".to_sym.inspect %> <%= 65.chr %> <%= "A".ord %> <%= "a,b".split(",").map(&:upcase).join("-") %> <%= "10" <=> "9" %> <%= "abc".empty? %> <%= "".empty? %>' },
  { name: 'format and %', source: '<%= "%s-%d" % ["a", 5] %> <%= "%05.1f" % 3.14159 %> <%= "%-6s|" % "ab" %> <%= "%x %o %b %X" % [255, 8, 5, 255] %> <%= format("%3d|%-3d|%+d", 5, 5, 5) %> <%= sprintf("%.3e", 12345.678) %> <%= "%s" % nil.inspect %> <%= "%%" % [] %> <%= "%<a>s=%{b}" % {a: 1, b: 2} %> <%= "%08.3f" % -3.5 %> <%= "%c" % 65 %> <%= "%.2s" % "abc" %> <%= "%g" % 1.5 %> <%= "%5.1f%%" % 99.44 %>' },
  { name: 'string << and mutators', source: '<% s = "a" %><% s << "b" << "c" %><%= s %> <% t = "x-y" %><% t.gsub!("-", "_") %><%= t %> <% u = " q " %><% u.strip! %><%= u %> <% v = "ab" %><%= v.sub!("z", "").inspect %>' },
  // arrays
  { name: 'array methods', source: '<%= @list.join(", ") %> <%= @nested.flatten.inspect %> <%= @nested.flatten(1).inspect %> <%= [1, nil, 2].compact.inspect %> <%= @list.first %> <%= @list.last %> <%= @list.first(2).inspect %> <%= @list.include?("a") %> <%= @list.index("c") %> <%= (@list + ["d"]).inspect %> <%= (@list - ["a"]).inspect %> <%= ([1, 2] & [2, 3]).inspect %> <%= ([1, 2] | [2, 3]).inspect %> <%= @list.size %> <%= @list.length %> <%= @list.reverse.inspect %> <%= @list.rotate.inspect %> <%= [[1, 2], [3, 4]].transpose.inspect %> <%= [[1, 2], [3, 4]].to_h.inspect %> <%= [1, [2, [nil, "x"]]].join("/") %> <%= [1, 2] * "-" %> <%= [1, 2] * 2 %>' },
  { name: 'array mutation', source: '<% a = [3, 1] %><% a << 2 %><% a.push(5, 4) %><% a.unshift(0) %><%= a.inspect %> <%= a.pop %> <%= a.shift %> <% a.sort! %><%= a.inspect %> <% a.map! { |x| x * 10 } %><%= a.inspect %> <% a.delete(20) %><%= a.inspect %> <%= [1, 1, 2].uniq!.inspect %> <%= [1, 2].uniq!.inspect %> <% b = [1, nil]; b.compact! %><%= b.inspect %> <% @list << "d" %><%= @list.inspect %>' },
  { name: 'array conversions', source: '<%= Array(nil).inspect %> <%= Array("a").inspect %> <%= Array([1]).inspect %> <%= Array({"a" => 1}).inspect %> <%= Integer("42") + 1 %> <%= Integer(3.9) %> <%= String(5) %> <%= Float("1.5") %> <%= [1, 2].to_a.inspect %> <%= nil.to_a.inspect %> <%= nil.to_s.empty? %> <%= 5.to_s + "x" %>' },
  // hashes
  { name: 'hash methods', source: '<%= @opts["a"] %> <%= @opts.fetch("b") %> <%= @opts.fetch("zz", "dflt") %> <%= @opts.key?("c") %> <%= @opts.has_key?("q") %> <%= @opts.include?("a") %> <%= @opts.keys.inspect %> <%= @opts.values.inspect %> <%= @opts.size %> <%= @opts.empty? %> <%= @opts.to_a.inspect %> <%= @opts.merge({"z" => 26}).inspect %> <%= @opts.map { |k, v| "#{k}=#{v}" }.join("&") %> <%= @opts.invert.inspect %> <%= @opts.min_by { |k, v| k }.inspect %> <%= @opts.sort_by { |k, v| k }.to_h.inspect %> <%= @opts.values_at("a", "b").inspect %> <%= @opts.count %> <%= @opts.find { |k, v| v == 1 }.inspect %>' },
  { name: 'hash mutation and building', source: '<% h = {} %><% h["x"] = 1 %><% h[:y] = 2 %><% h["x"] += 5 %><%= h.inspect %> <% h.delete(:y) %><%= h.inspect %> <% g = Hash.new %><% g.store("k", "v") %><%= g %> <% h.merge!("m" => nil) %><%= h.inspect %> <%= h.compact.inspect %> <%= h.transform_values { |v| v.to_s }.inspect %> <%= {"b" => 1, "a" => 2}.sort.to_h %>' },
  { name: 'hash each with nil and nested', source: '<% @servers.each do |name, cfg| -%>\nserver <%= name %> <%= cfg["host"] %>:<%= cfg["port"] %>\n<% end -%>\n<% @servers.keys.sort.each do |k| %><%= k %>=<%= @servers[k]["port"] %> <% end %>' },
  // type checks and comparisons
  { name: 'is_a and class', source: '<% [1, 1.5, "s", :y, nil, true, [1], {}, (1..2)].each do |v| %><%= v.class %>:<%= v.is_a?(String) %><%= v.kind_of?(Numeric) %><%= v.is_a?(Enumerable) %> <% end %><%= String === "x" %> <%= 1.class == Integer %> <%= nil.class %>' },
  { name: 'comparisons', source: '<%= 1 == 1.0 %> <%= 1.eql?(1.0) %> <%= "a" == :a %> <%= [1, [2]] == [1, [2]] %> <%= {"a" => 1} == {"a" => 1} %> <%= 1 <=> 2 %> <%= [1, 2] <=> [1, 3] %> <%= "b" > "a" %> <%= 2.between?(1, 3) %> <%= nil == false %> <%= 5.clamp(1, 3) %>' },
  { name: 'nil methods and safe navigation', source: '<%= nil.to_s %>|<%= nil.to_a.inspect %>|<%= nil.to_i %>|<%= nil.inspect %>|<%= @undef_var&.upcase.inspect %>|<%= @name&.upcase %>|<%= nil.nil? %>|<%= nil & true %>' },
  { name: 'respond_to and send', source: '<%= "x".respond_to?(:upcase) %> <%= 5.respond_to?(:each) %> <%= "abc".send(:upcase) %> <%= [1, 2].public_send(:join, "+") %>' },
  { name: 'method calls without parens', source: '<%= @list.join "," %> <%= @list.include? "a" %> <% x = @nums.map do |n| n + 1 end %><%= x.inspect %> <%= [1, 2].each_slice 1 do |s| end %>' },
  { name: 'line continuation and chains', source: '<%= @list\n  .map(&:upcase)\n  .join("+") %> <%= [1, 2,\n 3].sum %> <%= 1 +\n 2 %>' },
  { name: 'complex real-world', source: '<%- if @servers and !@servers.empty? -%>\nupstream <%= @name %> {\n<%- @servers.sort.each do |sname, cfg| -%>\n  server <%= cfg["host"] %>:<%= cfg["port"] %><%= " backup" if sname == "s2" %>;\n<%- end -%>\n}\n<%- end -%>\n<%= scope.lookupvar("port").to_i > 1024 ? "unprivileged" : "privileged" %>\n' },
  { name: 'to_json', source: '<%= {"a" => [1, 2.5, nil, true], "b" => {"c" => "d\\"e"}}.to_json %> <%= "x".to_json %>' },
  // idioms seen in real modules
  { name: 'idioms 1', source: `<% @nested.each do |a| -%>\n<% Array(a).each do |b| -%>\n- <%= b %>\n<% end -%>\n<% end -%>\n<%= @list.map { |x| "'#{x}'" }.join(', ') %>\n<% if @list and @nums.is_a?(Array) and !@nums.empty? -%>\nok\n<% end -%>\n<%= @opts.sort.map { |k, v| "#{k}=#{v}" }.join(" ") %> <%= [@name, @undef_var, @port].compact.join(':') %>` },
  { name: 'idioms 2', source: `<% unless [nil, :undef, ''].include?(@undef_var) %>set<% end %> <%= @name.to_s.empty? ? 'a' : 'b' %> <%= scope.lookupvar('::name') == 'web01' ? 1 : 2 %> <%= @nested.flatten.uniq.sort.join(" ") %> <% x = @opts['zz'] || 'default' %><%= x %> <%= "#{@name}" if @name %> <% @list.each do |item| -%><%= item -%>,<% end -%>` },
  { name: 'idioms 3', source: `<%= @port.to_i + 1 %> <%= " a, b ,c ".split(',').map(&:strip).join(',') %> <%= @flag ? (@off ? 1 : 2) : 3 %> <% puts "ignored" %> <%= @opts.fetch('zz') { |k| k * 2 } %> <%= "a=%s" % @name %> <% y = if @flag then 1 else 2 end %><%= y %> <% [[1, 2], [3, 4]].each { |k, v| %><%= k %><%= v %><% } %>` },
  { name: 'idioms 4', source: `<%= [*@list, *@nums].inspect %> <%= @version.to_s =~ /^2/ ? 'two' : 'other' %> <%= -@port %> <%= !@undef_var.nil? %> <%= @list.length > 0 %> <%= "a#b" %> <%= ?a %> <%= :'quoted'.inspect %> <% if @version =~ /(\\d+)/ %><%= $~[1] %><% end %> <%= __FILE__ %>` },
  { name: 'idioms 5', source: `<% @opts.each do |k, v| -%>\n<% next unless v.is_a?(String) -%>\n<%= k %>: <%= v %>\n<% end -%>\n<%= @opts.sort_by { |k, _| k }.inspect %> <%= [{'n' => 2}, {'n' => 1}].sort { |a, b| a['n'] <=> b['n'] }.inspect %> <%= (Integer(@name) rescue 0) %> <%= @flag.is_a?(TrueClass) || @flag.is_a?(FalseClass) %> <%= @list.respond_to?(:each) %> <%= @flag.to_s.downcase == 'true' %> <%= @undef_var.to_a.sort.join %>` },
  { name: 'idioms 6', source: `<%\n  # a comment line\n  values = []\n  @servers.each do |n, c|\n    values << "#{n}=#{c['host']}"  # trailing comment\n  end\n-%>\n<%= values.join("\\n") %>\n<%- @servers.each_pair do |name, cfg| -%>\n<%-   cfg.each do |key, val| -%>\n  <%= name %>.<%= key %> = <%= val %>\n<%-   end -%>\n<%- end -%>\n` },
  { name: 'idioms 7', source: `<%= @mixed.map { |v| v.class.to_s }.join(",") %> <%= @mixed.select { |v| v.is_a?(Numeric) }.inspect %> <%= @servers.values.map { |c| c['port'] }.max %> <%= @servers.map { |n, c| c['port'] }.sum %> <%= @csv.split(',').reject(&:empty?).map(&:upcase).inspect %> <%= @text.split(' ').map(&:capitalize).join(' ') %>` },
  { name: 'idioms 8', source: `<% h = { 'a' => 1,\n  'b' => [1,\n    2],\n} %><%= h.inspect %> <%= %w{x y}.inspect %> <%= @nums.sort.reverse.first(2).inspect %> <%= @list.each_slice(2).map { |s| s.join }.inspect %> <%= @opts.keys.map(&:to_sym).inspect %> <%= @opts.to_a.flatten(1).inspect %>` },
  { name: 'heredocs', source: '<% a = <<-EOS\n  one #{1 + 1}\n  two\n  EOS\n%><%= a %>|<% b = <<~EOT.strip\n    x\n      y\n  EOT\nc = 5 %><%= b %><%= c %>|<% d = <<\'RAW\'\n#{not} \\n\nRAW\n%><%= d %>' },
  { name: 'def helpers', source: `<%-\n  def valid_json?(json)\n    JSON.parse(json)\n    return true\n  rescue JSON::ParserError\n    return false\n  end\n  def twice(x) x * 2 end\n-%>\n<%= valid_json?('{"a": [1]}') %> <%= valid_json?('nope{') %> <%= twice(@port) %> <%= JSON.parse('{"a": [1, 2.5, null]}').inspect %>` },
  { name: 'ipaddr validation', source: `<% require 'ipaddr' -%>\n<% ['10.0.0.1', '10.0.0.256', '::1', 'fe80::1/64', 'host.example', '1.2.3.4/24', '*'].each do |ip| -%>\n<% begin\n  IPAddr.new(ip)\n  ok = true\nrescue ArgumentError => e\n  ok = false\nend -%>\n<%= ip %>=<%= ok %>\n<% end -%>\n` },
  { name: 'more idioms', source: `<%= Hash[@list.zip(@nums)].inspect %> <%= Hash["a", 1].inspect %> <%= @list.map { |i| "#{i}" } * ', ' %> <%= @opts.keys.sort_by(&:to_s).inspect %> <%= @port.to_s.rjust(6, '0') %> <%= @name.is_a? String %> <%= %w(web01 db).include?(@name) %> <%= "a , b,c".split(/\s*,\s*/).inspect %> <%= @text.each_char.to_a.length %> <%= @text.slice(0, 5) %> <%= @nums.sum { |n| n * 2 } %> <%= @nums.select.with_index { |n, i| i > 0 }.inspect %> <%= @opts.map { |k, v| [k, v.to_s * 2] }.to_h.inspect %> <%= "a\nb\n".lines.map(&:chomp).inspect %> <%= @list.max_by(&:length) %> <%= '%-6s|%s' % ['ab', 'c'] %> <%= (@port * 0.75).to_i %> <%= @port * 0.75 %> <%= 1.005.round(2) %> <%= 10 ** 12 %>` },
  { name: 'setvar round trip', source: `<% scope.setvar('_template_scope', {}) -%>\n<% @list.each do |d| -%>\n<% scope.lookupvar('_template_scope')[:item] = d -%>\n<%= scope.lookupvar('_template_scope')[:item] %>;<%= scope['_template_scope'].inspect %>\n<% end -%>\n` },
  { name: 'hash defaults and float sums', source: `<% c = Hash.new(0) %><% %w[a b a].each { |w| c[w] += 1 } %><%= c.inspect %> <% g = Hash.new { |h, k| h[k] = [] } %><% g['x'] << 1 %><% g['x'] << 2 %><%= g.inspect %> <%= [0.1, 0.2, 0.3].sum %> <%= [1, 2, 0.5].sum %> <%= [0.1] * 10 == [0.1] * 10 %> <%= ([0.1] * 10).sum %> <%= [3, 0.1, 0.2].sum(0.0) %> <%= ["a", "b"].sum("") %>` },
  { name: 'parser corners 1', source: `<%= @list.map do |x| x * 2 end.join %> <% a = b = 3 %><%= a + b %> <%= -1.abs %> <%= 2-1 %> <% x = 5 %><%= x-1 %> <%= x / 2 %> <%= @port -1 %> <% h = {} %><% h['k'] ||= [] %><% h['k'] << 1 %><%= h %> <%= true ? :b : :c %> <%= { :a => 1, b: 2 }.inspect %> <% lines = ['p', 'q'] %><% while line = lines.shift %><%= line %><% end %>` },
  { name: 'parser corners 2', source: `<% @list.each do |v| %><%= v %><% end if @flag %> <%= @list.respond_to? :each %> <%= scope.lookupvar 'name' %> <%= scope.function_upcase ['x'] %> <%= [1, 2].include? 1 %> <%= @text.split(/ /).inspect %> <% y = %w(a b) %><%= y.inspect %> <%= "v" \
  + "w" %> <%= case @name when 'web01' then 'W' else 'X' end %> <%= @nums.select do |n| n > 1 end.inspect %>` },
  { name: 'parser corners 3', source: `<%= @opts.map { |k, v| "#{k}" }.first %> <%= (@list.empty?) ? 'e' : 'n' %> <%= @name.length>3 ? 'long' : 'short' %> <%= @nums.map{|n|n+1}.inspect %> <%= [@name,@port].join('|') %> <%= @flag&&'x' %> <%= !@list.include?('z') %> <%= @list.size.zero? %> <%= {'a'=>1}['a'] %> <%= @nums[0]+@nums[1] %> <%= @name =~ /web/ ? 'yes' : 'no' %>` },
  { name: 'break targets', source: `<% @nums.each do |n| %><% i = 0 %><% while true %><% i += 1 %><% break if i > n %><% end %><%= i %><% end %> <% j = 0 %><% while j < 5 %><% [1, 2].each { |x| break } %><% j += 1 %><% end %><%= j %> <%= [1, 2, 3].each { |x| break x * 5 if x == 2 } %> <% k = 0 %><% loop do %><% k += 1 %><% break if k == 3 %><% end %><%= k %>` },
  { name: 'printf float rounding', source: `<%= ["%.2f" % 2.675, "%.2f" % 1.005, "%.2f" % 0.125, "%.2f" % 0.375, "%.0f" % 2.5, "%.0f" % 0.5, "%.0f" % 1.5, "%.1f" % 0.25, "%.1f" % 0.35, "%.3f" % 1.0005, "%.2f" % 99.995, "%.1f" % 9.95, "%.2f" % 0.001, "%.4f" % 123456.789, "%f" % 1e-7, "%.2f" % 1e15, "%.0f" % 0.4].inspect %>` },
  { name: 'float round', source: `<%= [2.675.round(2), 0.125.round(2), 1.005.round(2), 2.5.round, -2.5.round, 1234.5678.round(-2), 1234.5678.round(1), 0.1 + 0.2, 1.1 * 3, 100.0 / 3.0, 1e-5 * 3].inspect %>` },
  { name: 'Regexp.escape and union', source: `<%= Regexp.escape("a.b*c?d+e^f$g|h(i)j[k]l{m}n\\\\o/p-q r\\ts\\nu#v&w~x").inspect %> <%= %w[php php5].collect { |s| Regexp.escape(s) }.join('|') %> <%= Regexp.union("a.b", /c+/).source %> <%= "x.y/z#1".gsub("/", "_").sub(".", "-") %> <%= "a#b" =~ Regexp.new(Regexp.escape("#b")) %>` },
];
