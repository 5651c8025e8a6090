package report

import "testing"

func TestMarkdownEscaping(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"text pipe", mdText("a|b"), `a\|b`},
		{"text backticks", mdText("use `m`"), "use \\`m\\`"},
		{"text emphasis", mdText("*x* _y_ ~z~"), `\*x\* \_y\_ \~z\~`},
		{"text html", mdText("<b>&amp;</b>"), `\<b\>&amp;amp;\</b\>`},
		{"text newline", mdText("a\nb"), "a b"},
		{"text control", mdText("a\x1b[31mb"), `a\\x1b\[31mb`},
		{"code plain", mdCode("adam_step"), "`adam_step`"},
		{"code with backtick", mdCode("a`b"), "``a`b``"},
		{"code starting with backtick", mdCode("`a"), "`` `a ``"},
		{"cell pipe in code", mdCell(mdCode("a|b")), "`a\\|b`"},
		{"cell escaped pipe kept", mdCell(mdText("a|b")), `a\|b`},
		{"run", string(rune('0' + longestRun("a```b``", '`'))), "3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain\ttext\n", "plain\ttext\n"},
		{"\x1b[2J", `\x1b[2J`},
		{"crlf\r\nline", "crlf\nline"},
		{"lone\rcr", `lone\rcr`},
		{"bad\xffutf8", "bad\uFFFDutf8"},
		{"bidi\u202Eevil", `bidi\u202eevil`},
		{"βᵗ √v̂ – ok", "βᵗ √v̂ – ok"},
	} {
		if got := printable(tc.in); got != tc.want {
			t.Errorf("printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPoints(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		prec int
		want string
	}{
		{87.5, 2, "87.5"}, {100, 2, "100"}, {1.0 / 3, 2, "0.33"}, {-0.0001, 2, "0"}, {2.5, 4, "2.5"},
	} {
		if got := points(tc.x, tc.prec); got != tc.want {
			t.Errorf("points(%v, %d) = %q, want %q", tc.x, tc.prec, got, tc.want)
		}
	}
}
