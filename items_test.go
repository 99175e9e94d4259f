package portal

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkDecode fails t unless DecodeItems(s) gives what json.Unmarshal gives: an error
// or not alike, and deeply equal items (nil and empty slices told apart).
func checkDecode(t *testing.T, s string) []Item {
	t.Helper()
	var want []Item
	wantErr := json.Unmarshal([]byte(s), &want)
	got, err := DecodeItems(s)
	if (err == nil) != (wantErr == nil) {
		t.Errorf("DecodeItems(%q): error %v, json.Unmarshal: %v", s, err, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DecodeItems(%q) = %#v, json.Unmarshal: %#v", s, got, want)
	}
	if fast, ok := decodeCanonical(s); ok && (wantErr != nil || !reflect.DeepEqual(fast, want)) {
		t.Errorf("decodeCanonical(%q) = %#v, json.Unmarshal: %#v, %v", s, fast, want, wantErr)
	}
	return got
}

// checkEncode fails t unless EncodeItems(items) is json.Marshal(items).
func checkEncode(t *testing.T, items []Item) string {
	t.Helper()
	want, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	got := EncodeItems(items)
	if got != string(want) {
		t.Errorf("EncodeItems(%#v) = %q, json.Marshal: %q", items, got, want)
	}
	return got
}

func TestDecodeItems(t *testing.T) {
	tests := []struct {
		name string
		in   string
		fast bool // parsed by hand, without json.Unmarshal
	}{
		{"typical", `[{"q":"K012","p":[2,0,1,3]},{"q":"J005","p":[0,1]}]`, true},
		{"one item", `[{"q":"K012","p":[3,1,0,2]}]`, true},
		{"null", `null`, true},
		{"empty", `[]`, true},
		{"null perm", `[{"q":"K012","p":null}]`, true},
		{"empty perm", `[{"q":"K012","p":[]}]`, true},
		{"perms null, empty, full", `[{"q":"A","p":null},{"q":"B","p":[]},{"q":"C","p":[0]}]`, true},
		{"empty id", `[{"q":"","p":[0,1]}]`, true},
		{"id of JSON punctuation", `[{"q":"{[,:]}","p":[1,0]}]`, true},
		{"ids with braces, the index array grows", `[{"q":"{{{{{{","p":[1,2,3,4,5,6,7,8]},{"q":"x","p":[9,10,11]}]`, true},
		{"id with commas", `[{"q":",,,,,,,,","p":[1,0]}]`, true},
		{"non-ASCII id", `[{"q":"题目一","p":[0,1]}]`, true},
		{"id with U+2028 unescaped", "[{\"q\":\"a\u2028b\",\"p\":[0]}]", true},
		{"id with DEL", "[{\"q\":\"a\x7fb\",\"p\":[0]}]", true},
		{"negative and large indices", `[{"q":"K","p":[-1,10,-0,123456789012345678,-123456789012345678]}]`, true},
		{"int64 limits", `[{"q":"K","p":[9223372036854775807,-9223372036854775808]}]`, true},
		{"19 digits", `[{"q":"K","p":[1000000000000000000]}]`, true},

		// Valid JSON in another form: json.Unmarshal decides.
		{"leading space", ` [{"q":"K012","p":[2,0]}]`, false},
		{"trailing newline", "[{\"q\":\"K012\",\"p\":[2,0]}]\n", false},
		{"space inside", `[{"q": "K012", "p": [2, 0]}]`, false},
		{"null with space", ` null`, false},
		{"keys swapped", `[{"p":[2,0],"q":"K012"}]`, false},
		{"key case", `[{"Q":"K012","P":[2,0]}]`, false},
		{"escaped id", `[{"q":"K\u0030","p":[0]}]`, false},
		{"escaped quote", `[{"q":"a\"b","p":[0]}]`, false},
		{"HTML-escaped id", `[{"q":"\u003cb\u003e","p":[0]}]`, false},
		{"unknown key", `[{"q":"K012","p":[0],"x":1}]`, false},
		{"missing perm", `[{"q":"K012"}]`, false},
		{"missing id", `[{"p":[1,0]}]`, false},
		{"empty object", `[{}]`, false},
		{"null item", `[null]`, false},
		{"duplicate key", `[{"q":"A","p":[0],"q":"B"}]`, false},
		{"id null", `[{"q":null,"p":[0]}]`, false},

		// Not valid for []Item, or not JSON: both fail.
		{"empty string", ``, false},
		{"truncated", `[{"q":"K012","p":[2,0`, false},
		{"truncated id", `[{"q":"K0`, false},
		{"open bracket", `[`, false},
		{"trailing comma", `[{"q":"K012","p":[2,0]},]`, false},
		{"trailing comma in perm", `[{"q":"K012","p":[2,]}]`, false},
		{"trailing garbage", `[{"q":"K012","p":[2,0]}]x`, false},
		{"two values", `[][]`, false},
		{"leading zero", `[{"q":"K","p":[01]}]`, false},
		{"minus alone", `[{"q":"K","p":[-]}]`, false},
		{"plus sign", `[{"q":"K","p":[+1]}]`, false},
		{"fraction", `[{"q":"K","p":[1.0]}]`, false},
		{"exponent", `[{"q":"K","p":[1e2]}]`, false},
		{"overflow", `[{"q":"K","p":[9223372036854775808]}]`, false},
		{"underflow", `[{"q":"K","p":[-9223372036854775809]}]`, false},
		{"perm a string", `[{"q":"K","p":"0,1"}]`, false},
		{"perm of strings", `[{"q":"K","p":["0"]}]`, false},
		{"id a number", `[{"q":12,"p":[0]}]`, false},
		{"object", `{"q":"K","p":[0]}`, false},
		{"string", `"K012"`, false},
		{"control character in id", "[{\"q\":\"a\nb\",\"p\":[0]}]", false},
		{"invalid UTF-8 in id", "[{\"q\":\"a\xffb\",\"p\":[0]}]", false},
		{"surrogate half in id", "[{\"q\":\"a\xed\xa0\x80b\",\"p\":[0]}]", false},
		{"second item bad", `[{"q":"A","p":[0]},{"q":"B","p":[x]}]`, false},
		{"type error after good items", `[{"q":"A","p":[0]},{"q":"B","p":[1.5]},{"q":"C","p":[2]}]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkDecode(t, tt.in)
			if _, ok := decodeCanonical(tt.in); ok != tt.fast {
				t.Errorf("decodeCanonical(%q) ok = %v, want %v", tt.in, ok, tt.fast)
			}
		})
	}
}

// The distinctions json.Unmarshal makes, spelt out rather than compared.
func TestDecodeItemsNilAndEmpty(t *testing.T) {
	if items, err := DecodeItems("null"); err != nil || items != nil {
		t.Errorf(`DecodeItems("null") = %#v, %v; want nil, nil`, items, err)
	}
	if items, err := DecodeItems("[]"); err != nil || items == nil || len(items) != 0 {
		t.Errorf(`DecodeItems("[]") = %#v, %v; want an empty slice`, items, err)
	}
	items, err := DecodeItems(`[{"q":"A","p":null},{"q":"B","p":[]},{"q":"C","p":[2,0,1]}]`)
	if err != nil || len(items) != 3 || items[0].Perm != nil || items[1].Perm == nil || len(items[1].Perm) != 0 ||
		!reflect.DeepEqual(items[2], Item{Q: "C", Perm: []int{2, 0, 1}}) {
		t.Errorf("DecodeItems = %#v, %v", items, err)
	}
}

// The stored form is parsed by hand: the items and the indices are the only allocations,
// where json.Unmarshal makes one for each ID and each Perm and more.
func TestDecodeItemsAllocs(t *testing.T) {
	s := EncodeItems(benchItems())
	if n := testing.AllocsPerRun(100, func() {
		if _, err := DecodeItems(s); err != nil {
			t.Fatal(err)
		}
	}); n > 2 {
		t.Errorf("DecodeItems(%q) makes %v allocations, want 2", s, n)
	}
}

// The Perms share an array; appending to one must leave the next alone.
func TestDecodeItemsPermsApart(t *testing.T) {
	items, err := DecodeItems(`[{"q":"A","p":[0,1]},{"q":"B","p":[2,3]}]`)
	if err != nil {
		t.Fatal(err)
	}
	_ = append(items[0].Perm, 9)
	if !reflect.DeepEqual(items[1].Perm, []int{2, 3}) {
		t.Errorf("second Perm = %v after appending to the first", items[1].Perm)
	}
}

func TestEncodeItems(t *testing.T) {
	tests := []struct {
		name  string
		items []Item
		want  string
	}{
		{"nil", nil, `null`},
		{"empty", []Item{}, `[]`},
		{"typical", []Item{{"K012", []int{2, 0, 1, 3}}, {"J005", []int{0, 1}}}, `[{"q":"K012","p":[2,0,1,3]},{"q":"J005","p":[0,1]}]`},
		{"nil and empty perms", []Item{{"A", nil}, {"B", []int{}}}, `[{"q":"A","p":null},{"q":"B","p":[]}]`},
		{"zero item", []Item{{}}, `[{"q":"","p":null}]`},
		{"large indices", []Item{{"K", []int{10, -1, -10, math.MaxInt, math.MinInt}}}, ""},
		{"quote and backslash", []Item{{`a"b\c`, []int{0}}}, `[{"q":"a\"b\\c","p":[0]}]`},
		{"HTML characters", []Item{{"<b>&", []int{0}}}, `[{"q":"\u003cb\u003e\u0026","p":[0]}]`},
		{"control characters", []Item{{"a\nb\tc\x00\x1f", []int{0}}}, ""},
		{"DEL", []Item{{"a\x7f", []int{0}}}, ""},
		{"non-ASCII", []Item{{"题目一", []int{0}}}, `[{"q":"题目一","p":[0]}]`},
		{"line separators", []Item{{"a\u2028b\u2029", []int{0}}}, `[{"q":"a\u2028b\u2029","p":[0]}]`},
		{"invalid UTF-8", []Item{{"a\xffb", []int{0}}}, `[{"q":"a\ufffdb","p":[0]}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkEncode(t, tt.items)
			if tt.want != "" && got != tt.want {
				t.Errorf("EncodeItems = %q, want %q", got, tt.want)
			}
			checkDecode(t, got)
		})
	}
}

// randomID returns a question ID: mostly plain like K012, sometimes empty or holding
// characters JSON escapes, non-ASCII text or invalid UTF-8.
func randomID(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0:
		return ""
	case 1:
		const odd = "aZ09\"\\<>&\n\t\x00\x7f{}[],:é题\u2028\u2029\xff\xed\xa0\x80"
		runes := []rune(odd)
		var b strings.Builder
		for range r.IntN(8) {
			if r.IntN(5) == 0 {
				b.WriteByte(odd[r.IntN(len(odd))]) // any byte, a piece of a rune included
			} else {
				b.WriteRune(runes[r.IntN(len(runes))])
			}
		}
		return b.String()
	default:
		return fmt.Sprintf("%c%03d", 'A'+r.IntN(26), r.IntN(1000))
	}
}

// randomItems returns nil, an empty slice or up to 12 items with random Perms.
func randomItems(r *rand.Rand) []Item {
	switch r.IntN(10) {
	case 0:
		return nil
	case 1:
		return []Item{}
	}
	items := make([]Item, 1+r.IntN(12))
	for i := range items {
		items[i].Q = randomID(r)
		switch r.IntN(6) {
		case 0: // nil
		case 1:
			items[i].Perm = []int{}
		case 2:
			for range 1 + r.IntN(5) {
				items[i].Perm = append(items[i].Perm, []int{r.Int(), -r.Int(), math.MaxInt, math.MinInt, -1}[r.IntN(5)])
			}
		default:
			items[i].Perm = r.Perm(1 + r.IntN(6))
		}
	}
	return items
}

// Encoding random items gives json.Marshal's bytes; decoding them gives json.Unmarshal's
// items, which are the items themselves when every ID is valid UTF-8, and the parse is by
// hand when no ID needs escaping.
func TestItemsRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		items := randomItems(r)
		s := checkEncode(t, items)
		got := checkDecode(t, s)
		valid, plain := true, true
		for _, it := range items {
			valid = valid && utf8.ValidString(it.Q)
			plain = plain && plainString(it.Q)
		}
		if valid && !reflect.DeepEqual(got, items) {
			t.Errorf("DecodeItems(EncodeItems(%#v)) = %#v", items, got)
		}
		if _, ok := decodeCanonical(s); plain && !ok {
			t.Errorf("decodeCanonical(%q) went to json.Unmarshal", s)
		}
		if t.Failed() {
			break
		}
	}
}

// FuzzDecodeItems checks that DecodeItems agrees with json.Unmarshal on any input, that
// EncodeItems of what it decodes is json.Marshal's, and that json.Marshal's form without
// escapes is parsed by hand.
func FuzzDecodeItems(f *testing.F) {
	for _, s := range []string{
		`[{"q":"K012","p":[2,0,1,3]},{"q":"J005","p":[0,1]}]`,
		`[{"q":"K012","p":[2,0,1,3]},{"q":"K040","p":[0,1]},{"q":"J005","p":[3,2,1,0]}]`,
		`[{"q":"T001","p":[0,1]}]`,
		`[{"q":"K012","p":null},{"q":"J005","p":[]}]`,
		`null`,
		`[]`,
		``,
		`[{"q":"K","p":[-1,9223372036854775807,-9223372036854775808]}]`,
		`[{"q":"K","p":[9223372036854775808]}]`,
		`[{"q":"K","p":[1.0,1e2,01]}]`,
		`[{"q": "K012", "p": [2, 0]}] `,
		`[{"p":[2,0],"q":"K012"}]`,
		`[{"Q":"K012","p":[2,0],"x":null}]`,
		`[{"q":"\u003cK\u003e\"\\","p":[0]}]`,
		"[{\"q\":\"题\xff\u2028\",\"p\":[0]}]",
		`[null,{}]`,
		`[{"q":"K012","p":[2,0]},]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := checkDecode(t, s)
		var want []Item
		if json.Unmarshal([]byte(s), &want) != nil {
			return
		}
		enc := checkEncode(t, got)
		if _, ok := decodeCanonical(s); enc == s && !strings.Contains(s, `\`) && !ok {
			t.Errorf("decodeCanonical(%q) went to json.Unmarshal", s)
		}
	})
}

// A 10-item value like those Draw makes for a quiz of four-option questions.
func benchItems() []Item {
	r := rand.New(rand.NewPCG(3, 4))
	items := make([]Item, 10)
	for i := range items {
		items[i] = Item{Q: fmt.Sprintf("K%03d", r.IntN(200)), Perm: r.Perm(4)}
	}
	return items
}

func BenchmarkDecodeItems(b *testing.B) {
	s := EncodeItems(benchItems())
	b.Run("DecodeItems", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(s)))
		for b.Loop() {
			if _, err := DecodeItems(s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Unmarshal", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(s)))
		for b.Loop() {
			var items []Item
			if err := json.Unmarshal([]byte(s), &items); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkEncodeItems(b *testing.B) {
	items := benchItems()
	b.Run("EncodeItems", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = EncodeItems(items)
		}
	})
	b.Run("json.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(items); err != nil {
				b.Fatal(err)
			}
		}
	})
}
