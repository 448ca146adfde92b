// Rendering, feature by feature. Expected outputs were produced by Ruby 3.1's
// ERB (trim_mode '-') and frozen here; test/compat/erb.test.ts re-checks against Ruby live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from './helpers.js';

const EXPECTED: Record<string, [string, string][]> = {
  "trim": [
    [
      "<% if true -%>\nyes\n<% end -%>\nafter\n",
      "yes\nafter\n"
    ],
    [
      "x\n   <%- if true -%>\n  in\n   <%- end -%>\nz",
      "x\n  in\nz"
    ],
    [
      "ab <%- x = 1 -%> cd\n",
      "ab  cd\n"
    ],
    [
      "<%= 1 %>  <%- y = 2 -%>\nq",
      "1q"
    ],
    [
      "<% if true %>\nyes\n<% end %>\n",
      "\nyes\n\n"
    ],
    [
      "a<%# a comment %>b\n<%# trimmed -%>\nc\n",
      "ab\nc\n"
    ],
    [
      "<%% not code %> and %%> too\n",
      "<% not code %> and %%> too\n"
    ],
    [
      "a\r\n<% if true -%>\r\nb\r\n<% end -%>\r\n",
      "a\r\nb\r\n"
    ],
    [
      "v=<%= 5 -%>\nnext",
      "v=5next"
    ],
    [
      "<%= 1 -%>",
      "1"
    ],
    [
      "t <% x = '%%>' %><%= x %>",
      "t %>"
    ]
  ],
  "values": [
    [
      "<%= nil %>|<%= true %>|<%= 42 %>|<%= 1.5 %>|<%= 2.0 %>|<%= :sym %>|<%= [1, \"a\", nil, :b, 2.5] %>|<%= {\"a\" => 1, :b => nil} %>|<%= 1..3 %>",
      "|true|42|1.5|2.0|sym|[1, \"a\", nil, :b, 2.5]|{\"a\"=>1, :b=>nil}|1..3"
    ],
    [
      "<%= 1e15 %> <%= 1e16 %> <%= 0.0001 %> <%= 0.00001 %> <%= 123456789.123456789 %> <%= 10.0 / 3 %> <%= 1e100 %> <%= 1234567890123456.7 %>",
      "1.0e+15 1.0e+16 0.0001 1.0e-05 123456789.12345679 3.3333333333333335 1.0e+100 1234567890123456.8"
    ],
    [
      "<%= \"a\\\"b\\\\c\\n\\t\\e\".inspect %> <%= :\"odd sym\".inspect %> <%= :ok?.inspect %> <%= /a\\/b/i.inspect %> <%= /ab/ix.to_s %>",
      "\"a\\\"b\\\\c\\n\\t\\e\" :\"odd sym\" :ok? /a\\/b/i (?ix-m:ab)"
    ],
    [
      "<%= 7 / 2 %> <%= -7 / 2 %> <%= -7 % 3 %> <%= 7.0 / 2 %> <%= 2 ** 10 %> <%= 3.7.round %> <%= -2.5.round %> <%= 3.14159.round(2) %>",
      "3 -4 2 3.5 1024 4 -3 3.14"
    ]
  ],
  "control": [
    [
      "<% [1, 5, 10].each do |n| %><% if n < 3 %>s<% elsif n < 7 %>m<% else %>b<% end %><% end %>",
      "smb"
    ],
    [
      "<% unless false %>u<% end %><%= \"m\" if true %><%= \"n\" unless true %>",
      "um"
    ],
    [
      "<%= case 5 when 1..3 then \"low\" when Integer then \"int\" else \"x\" end %>",
      "int"
    ],
    [
      "<% i = 0 %><% while i < 3 %><%= i %><% i += 1 %><% end %><% until i == 0 %><% i -= 1 %><%= i %><% end %>",
      "012210"
    ],
    [
      "<% for a, b in [[1, 2], [3, 4]] %><%= a + b %><% end %>",
      "37"
    ],
    [
      "<% [1, 2, 3, 4].each do |x| %><% next if x == 2 %><% break if x == 4 %><%= x %><% end %>",
      "13"
    ],
    [
      "<%= (nil or \"x\") %> <%= (not true).inspect %> <%= (1 && nil).inspect %> <%= 0 ? \"t\" : \"f\" %>",
      "x false nil t"
    ],
    [
      "<% begin %><%= nil.upcase %><% rescue NoMethodError %>r<% end %> <%= (Integer(\"zz\") rescue \"bad\") %>",
      "r bad"
    ]
  ],
  "blocks": [
    [
      "<% {\"a\" => 1, \"b\" => 2}.each_pair do |k, v| %><%= k %>=<%= v %>;<% end %>",
      "a=1;b=2;"
    ],
    [
      "<%= [3, 1, 2].sort.inspect %> <%= %w[b a].sort_by { |x| x }.inspect %> <%= [1, 2, 3].inject(:+) %> <%= [1, 2, 3].map { |x| x * 2 }.select(&:positive?).reject { |x| x == 4 }.inspect %>",
      "[1, 2, 3] [\"a\", \"b\"] 6 [2, 6]"
    ],
    [
      "<%= [1, 2, 3, 4].group_by(&:even?).inspect %> <%= [[1], [2, 3]].flat_map { |a| a }.inspect %> <%= [1, 2].zip([3, 4]).inspect %> <%= [1, 1, 2].uniq.inspect %>",
      "{false=>[1, 3], true=>[2, 4]} [1, 2, 3] [[1, 3], [2, 4]] [1, 2]"
    ],
    [
      "<%= %w[a b].each_with_index.map { |x, i| \"#{i}#{x}\" }.join %> <%= {\"k\" => \"v\"}.map { |k, v| k + v }.inspect %> <%= {\"a\" => 1, \"b\" => 2}.select { |k, v| v > 1 }.inspect %>",
      "0a1b [\"kv\"] {\"b\"=>2}"
    ],
    [
      "<%= [1, 2, 3].any? { |x| x > 2 } %> <%= [].all? %> <%= [1, 2].none?(&:zero?) %> <%= [4, 9].max %> <%= [4, 9].min %> <%= [1.5, 2].sum %> <%= [1, 2, 2].count(2) %>",
      "true true true 9 4 3.5 2"
    ]
  ],
  "strings": [
    [
      "<%= \"a-b_c\".gsub(/[-_]/, \"+\") %> <%= \"john smith\".sub(/(\\w+) (\\w+)/, '\\2 \\1') %> <%= \"k=v;x=y\".scan(/(\\w)=(\\w)/).inspect %> <%= \"a,b,,\".split(\",\").inspect %> <%= \" a b \".split.inspect %>",
      "a+b+c smith john [[\"k\", \"v\"], [\"x\", \"y\"]] [\"a\", \"b\"] [\"a\", \"b\"]"
    ],
    [
      "<% if \"v2.4\" =~ /v(\\d)\\.(\\d)/ %><%= $1 %>.<%= $2 %><% end %> <%= \"x\" !~ /y/ %> <%= \"abc\".match(/b(c)/)[1] %>",
      "2.4 true c"
    ],
    [
      "<%= \"%05.1f|%-4s|%x|%+d\" % [3.14159, \"ab\", 255, 5] %> <%= format(\"%3d\", 7) %> <%= \"%{a}-%<b>s\" % {a: 1, b: 2} %>",
      "003.1|ab  |ff|+5   7 1-2"
    ],
    [
      "<%= \"Hi\".center(6, \"*\") %> <%= \"hello\".tr(\"el\", \"ip\") %> <%= \"hello\"[1..-2] %> <%= \"a\" * 3 %> <%= \"x y\".capitalize %> <%= \" s \".strip %>",
      "**Hi** hippo ell aaa X y s"
    ],
    [
      "<% s = \"a\" %><% s << \"b\" << \"c\" %><%= s %> <% t = \"x-y\" %><% t.gsub!(\"-\", \"_\") %><%= t %>",
      "abc x_y"
    ],
    [
      "<%= \"#{1 + 1} #{nil} #{[1, nil]}\" %> <%= '#{no}' %> <%= %q(a (b)) %> <%= %w[x y].inspect %> <%= %i[a].inspect %>",
      "2  [1, nil] #{no} a (b) [\"x\", \"y\"] [:a]"
    ]
  ]
};

for (const [group, cases] of Object.entries(EXPECTED)) {
  test(`ERB ${group}`, () => {
    for (const [source, expected] of cases) assert.equal(render(source), expected, `template: ${JSON.stringify(source)}`);
  });
}
