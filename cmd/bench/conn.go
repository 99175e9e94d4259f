package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// connTransport is the measured clients' transport: one keep-alive connection, one
// request at a time, written and read on the caller's goroutine. net/http's Transport
// runs two goroutines per connection and hands every request and response between them,
// CPU the clients take from the two the server shares with them (measured: 180 µs of the
// clients' CPU per quiz hand-in with it, 155 µs with this). The bytes on the wire are the
// same: net/http writes the request and parses the response.
//
// The connection is taken by RoundTrip and given back when the response's body is
// closed, so a connTransport serves one client's requests in turn (the clients read
// every body to its end and close it before they send again).
type connTransport struct {
	addr string // host:port
	mu   sync.Mutex
	conn net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
}

func newConnTransport(addr string) *connTransport { return &connTransport{addr: addr} }

// errStale is a response that never began on a connection the server had closed.
var errStale = errors.New("bench: connection closed by the server")

func (t *connTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	res, err := t.roundTrip(req)
	if errors.Is(err, errStale) && (req.Body == nil || req.GetBody != nil) {
		// A kept-alive connection the server closed while it was idle (its idle timeout):
		// nothing was received, so the request is sent again on a new one, as browsers do.
		if req.GetBody != nil {
			if req.Body, err = req.GetBody(); err != nil {
				t.mu.Unlock()
				return nil, err
			}
		}
		res, err = t.roundTrip(req)
	}
	if err != nil {
		t.mu.Unlock()
		return nil, err
	}
	res.Body = &connBody{ReadCloser: res.Body, t: t, last: res.Close}
	return res, nil
}

func (t *connTransport) roundTrip(req *http.Request) (*http.Response, error) {
	fresh := t.conn == nil
	if fresh {
		c, err := net.DialTimeout("tcp", t.addr, 10*time.Second)
		if err != nil {
			return nil, err
		}
		t.conn, t.br, t.bw = c, bufio.NewReader(c), bufio.NewWriter(c)
	}
	t.conn.SetDeadline(time.Now().Add(60 * time.Second))
	err := req.Write(t.bw)
	if err == nil {
		err = t.bw.Flush()
	}
	var res *http.Response
	if err == nil {
		res, err = http.ReadResponse(t.br, req)
	}
	if err != nil {
		t.drop()
		if !fresh && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)) {
			return nil, errStale
		}
		return nil, err
	}
	return res, nil
}

func (t *connTransport) drop() {
	if t.conn != nil {
		t.conn.Close()
		t.conn = nil
	}
}

// CloseIdleConnections closes the connection (http.Client.CloseIdleConnections).
func (t *connTransport) CloseIdleConnections() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.drop()
}

// connBody gives the connection back when the body is closed: read to its end, it is
// kept for the next request; otherwise, or when the server said it closes it, dropped.
type connBody struct {
	io.ReadCloser
	t    *connTransport
	last bool
	once sync.Once
}

func (b *connBody) Close() error {
	var err error
	b.once.Do(func() {
		_, rest := io.Copy(io.Discard, b.ReadCloser)
		err = b.ReadCloser.Close()
		if rest != nil || err != nil || b.last {
			b.t.drop()
		}
		b.t.mu.Unlock()
	})
	return err
}
