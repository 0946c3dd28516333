package wire

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends e as encoding/json writes it (HTML-safe, as
// json.Encoder does by default), without reflection: the API's longest
// answers are lists of entries. TestAppendJSON holds the two equal.
func (e Entry) AppendJSON(b []byte) []byte {
	b = append(b, `{"type":`...)
	b = appendString(b, string(e.Type))
	b = append(b, `,"id":`...)
	b = appendString(b, e.ID)
	b = append(b, `,"baby_id":`...)
	b = appendString(b, e.BabyID)
	b = append(b, `,"caregiver_id":`...)
	b = appendString(b, e.CaregiverID)
	if e.Kind != "" {
		b = append(b, `,"kind":`...)
		b = appendString(b, e.Kind)
	}
	b = append(b, `,"started_at":`...)
	b = appendString(b, e.StartedAt)
	b = append(b, `,"ended_at":`...)
	if e.EndedAt == nil {
		b = append(b, "null"...)
	} else {
		b = appendString(b, *e.EndedAt)
	}
	b = append(b, `,"notes":`...)
	b = appendString(b, e.Notes)
	if e.Held != nil {
		b = append(b, `,"held":`...)
		b = strconv.AppendBool(b, *e.Held)
	}
	if len(e.NeedsChecked) > 0 {
		b = append(b, `,"needs_checked":`...)
		b = appendStrings(b, e.NeedsChecked)
	}
	if len(e.SoothedBy) > 0 {
		b = append(b, `,"soothed_by":`...)
		b = appendStrings(b, e.SoothedBy)
	}
	if e.ParentStress != nil {
		b = append(b, `,"parent_stress":`...)
		b = strconv.AppendInt(b, int64(*e.ParentStress), 10)
	}
	b = append(b, `,"created_at":`...)
	b = appendString(b, e.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = appendString(b, e.UpdatedAt)
	return append(b, '}')
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return append(b, ']')
}

const hex = "0123456789abcdef"

// appendString is encoding/json's string encoding with HTML escaping:
// control characters, <, > and & as \u00XX, invalid UTF-8 as U+FFFD, and
// U+2028 and U+2029 escaped.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
