package portal

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// EncodeItems returns the stored form of an attempt's items: byte for byte what
// json.Marshal(items) returns, without reflection. A nil slice is "null", an empty one
// "[]"; a nil Perm is null and an empty one []. A question ID with a byte that is not
// plain ASCII (a control character, the quote, the backslash, the <, > and & that
// json.Marshal escapes for HTML, or any byte of 0x80 and above) is written by
// json.Marshal.
func EncodeItems(items []Item) string {
	if items == nil {
		return "null"
	}
	n := 2
	for _, it := range items {
		// {"q":"","p":} and a comma are 14 bytes; then the ID, and null or about 3 bytes
		// an index.
		n += 14 + len(it.Q) + 4 + 3*len(it.Perm)
	}
	var b strings.Builder
	b.Grow(n)
	var num [20]byte
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"q":`)
		if plainString(it.Q) {
			b.WriteByte('"')
			b.WriteString(it.Q)
			b.WriteByte('"')
		} else {
			js, _ := json.Marshal(it.Q) // a string always marshals
			b.Write(js)
		}
		b.WriteString(`,"p":`)
		if it.Perm == nil {
			b.WriteString("null")
		} else {
			b.WriteByte('[')
			for k, v := range it.Perm {
				if k > 0 {
					b.WriteByte(',')
				}
				if v >= 0 && v <= 9 {
					b.WriteByte(byte('0' + v))
				} else {
					b.Write(strconv.AppendInt(num[:0], int64(v), 10))
				}
			}
			b.WriteByte(']')
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.String()
}

// plainString reports whether json.Marshal writes s as it is between quotes because
// every byte is ASCII and none is a control character, the quote, the backslash or one
// of the <, > and & it escapes for HTML. (DEL, 0x7f, is written as it is.)
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= utf8.RuneSelf, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// DecodeItems reads the stored form of an attempt's items. It returns exactly what
// json.Unmarshal into a nil []Item gives (the same items and an error when, and only
// when, json.Unmarshal fails): "null" is a nil slice, "[]" an empty one, and likewise
// for each Perm.
//
// The form EncodeItems writes is parsed by hand: no whitespace, keys "q" then "p", IDs
// without escapes, indices as integers. The IDs are substrings of s. Any other input,
// valid JSON or not, goes to json.Unmarshal.
func DecodeItems(s string) ([]Item, error) {
	if items, ok := decodeCanonical(s); ok {
		return items, nil
	}
	var items []Item
	err := json.Unmarshal([]byte(s), &items)
	return items, err
}

// decodeCanonical parses s when it has the form EncodeItems writes for IDs that need no
// escaping; ok is false for anything else. The Perm slices share one array, each capped
// at its own length so that appending to one cannot change another.
func decodeCanonical(s string) (items []Item, ok bool) {
	switch {
	case s == "null":
		return nil, true
	case s == "[]":
		return []Item{}, true
	case len(s) < 2 || s[0] != '[':
		return nil, false
	}
	// Each item has one '{' and, with all Perms non-empty, the indices number the commas
	// less the items plus one; an ID holding '{' or ',' only makes these guesses wrong.
	nItems := strings.Count(s, "{")
	items = make([]Item, 0, nItems)
	ints := make([]int, 0, max(strings.Count(s, ",")-nItems+1, 0))
	i := 1
	for {
		if !strings.HasPrefix(s[i:], `{"q":"`) {
			return nil, false
		}
		i += len(`{"q":"`)
		start, ascii := i, true
		for ; i < len(s) && s[i] != '"'; i++ {
			switch c := s[i]; {
			case c < 0x20 || c == '\\':
				return nil, false
			case c >= utf8.RuneSelf:
				ascii = false
			}
		}
		q := s[start:i]
		if !ascii && !utf8.ValidString(q) {
			return nil, false // json.Unmarshal would replace the invalid bytes
		}
		if !strings.HasPrefix(s[i:], `","p":`) {
			return nil, false
		}
		i += len(`","p":`)
		var perm []int
		switch {
		case strings.HasPrefix(s[i:], "null"):
			i += len("null")
		case strings.HasPrefix(s[i:], "[]"):
			perm = []int{}
			i += len("[]")
		case strings.HasPrefix(s[i:], "["):
			i++
			first := len(ints)
			for {
				v, n, ok := parseInt(s[i:])
				if !ok {
					return nil, false
				}
				ints = append(ints, v)
				i += n
				if i < len(s) && s[i] == ',' {
					i++
					continue
				}
				if i < len(s) && s[i] == ']' {
					i++
					break
				}
				return nil, false
			}
			// Should ints grow later, this slice keeps the old array, which holds its values.
			perm = ints[first:len(ints):len(ints)]
		default:
			return nil, false
		}
		if i >= len(s) || s[i] != '}' {
			return nil, false
		}
		i++
		items = append(items, Item{Q: q, Perm: perm})
		if i < len(s) && s[i] == ',' {
			i++
			continue
		}
		if i == len(s)-1 && s[i] == ']' {
			return items, true
		}
		return nil, false
	}
}

// parseInt reads the JSON integer at the start of s (an optional minus sign, then 0 or
// digits not starting with 0) and returns it and its length; ok is false when there is
// none or it does not fit in an int. What follows is the caller's to check.
func parseInt(s string) (v, n int, ok bool) {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	digits := i
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	default:
		return 0, 0, false
	}
	var x int64
	if i-digits <= 18 { // below 10^18: fits in an int64
		for k := digits; k < i; k++ {
			x = 10*x + int64(s[k]-'0')
		}
		if digits > 0 {
			x = -x
		}
	} else {
		var err error
		if x, err = strconv.ParseInt(s[:i], 10, 64); err != nil {
			return 0, 0, false
		}
	}
	if int64(int(x)) != x {
		return 0, 0, false // too big for a 32-bit int
	}
	return int(x), i, true
}
