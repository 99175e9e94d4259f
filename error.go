// Package portal holds the domain of the prevention-education and volunteer portal:
// the types, the rules that validate them and the error codes shared by every layer.
// It does no I/O.
package portal

import (
	"errors"
	"fmt"
)

// Error codes, mapped to HTTP statuses in one place by the handlers.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EFORBIDDEN    = "forbidden"
	EUNAUTHORIZED = "unauthorized"
	ERATELIMIT    = "rate_limited"
)

// Error is a domain error. Message is a message ID of the catalogues in content/locales,
// safe to show the user once translated; Data fills its template.
type Error struct {
	Code    string
	Message string
	Data    map[string]any
}

func (e *Error) Error() string {
	return fmt.Sprintf("portal error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns a domain error with the given code and message ID.
func Errorf(code, message string) *Error { return &Error{Code: code, Message: message} }

// ErrorCode returns the code of a domain error, EINTERNAL for any other non-nil error
// and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	var f FieldErrors
	if err == nil {
		return ""
	} else if errors.As(err, &f) {
		return EINVALID
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message ID of a domain error, or the generic internal one.
func ErrorMessage(err error) string {
	var e *Error
	var f FieldErrors
	if errors.As(err, &f) {
		return "ErrInvalidForm"
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "ErrInternal"
}

// Message is a message ID of the catalogues with the data its template needs.
// The zero Message means "no problem".
type Message struct {
	ID   string
	Data map[string]any
}

// Msg returns a Message with the given ID and optional key/value pairs of data.
func Msg(id string, kv ...any) Message {
	m := Message{ID: id}
	if len(kv) > 1 {
		m.Data = map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m.Data[fmt.Sprint(kv[i])] = kv[i+1]
		}
	}
	return m
}

// FieldErrors maps a form field name to the message explaining what is wrong with it.
// A non-empty FieldErrors is also an error, with code EINVALID.
type FieldErrors map[string]Message

func (f FieldErrors) Error() string { return fmt.Sprintf("invalid fields: %d", len(f)) }

// Add records the first problem found for a field; later ones for the same field are dropped
// so the user sees one clear message per field. A zero Message is ignored.
func (f FieldErrors) Add(field string, m Message) {
	if m.ID == "" {
		return
	}
	if _, ok := f[field]; !ok {
		f[field] = m
	}
}

// AddID is Add with a message that needs no data.
func (f FieldErrors) AddID(field, id string) { f.Add(field, Message{ID: id}) }

// Err returns f as an error, or nil when it is empty.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

// AsFieldErrors reports whether err carries field errors and returns them.
func AsFieldErrors(err error) (FieldErrors, bool) {
	var f FieldErrors
	if errors.As(err, &f) {
		return f, true
	}
	return nil, false
}
