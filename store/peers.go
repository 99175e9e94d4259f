package store

import (
	"context"
	"strings"
	"time"
)

// Several portal servers may share one PostgreSQL database behind a reverse proxy. What
// one of them keeps in memory must follow what the others write: each write transaction
// sends a notice on the channel below (pg_notify, delivered when the transaction commits
// and only if it does), and every server listens. A notice of figures moves the figures'
// generation (cache.go), so the next reader computes them again; a notice of identity
// empties the hot caches as a change of a class, school or student does here. A server
// whose listening connection broke may have missed notices: when it is back it treats
// everything as changed. Between a commit on one server and its notice reaching another,
// that other may serve the figures of just before the write: a few milliseconds on one
// network, at most peerReconnect while the connection is being made again.
//
// Sessions, attempts and the classes sessions show are not cached at all on PostgreSQL
// (postgres.go), so no server can act on another's stale session or attempt.

const peerChannel = "portal_changes"

// peerReconnect is how long the listener waits before connecting again.
const peerReconnect = time.Second

const (
	peerChanged  = "figures"
	peerIdentity = "identity"
)

// notifyPeers sends a notice of kind inside tx.
func (s *Store) notifyPeers(ctx context.Context, tx *Tx, kind string) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_notify(?, ?)`, peerChannel, s.server+" "+kind)
	return err
}

// startPeers listens for the other servers' notices until Close. It returns once the
// first connection listens, so that no notice sent after Open is missed.
func (s *Store) startPeers(ctx context.Context, dsn string) error {
	conn, err := s.listen(ctx, dsn)
	if err != nil {
		return err
	}
	pctx, cancel := context.WithCancel(context.Background())
	s.peersStop = cancel
	s.peersDone = make(chan struct{})
	go func() {
		defer close(s.peersDone)
		for {
			if conn != nil {
				s.receive(pctx, conn)
				conn.Close(context.Background())
				conn = nil
			}
			if pctx.Err() != nil {
				return
			}
			select {
			case <-pctx.Done():
				return
			case <-time.After(peerReconnect):
			}
			if c, err := s.listen(pctx, dsn); err == nil {
				conn = c
				// Notices sent while nobody listened are lost: everything may have changed.
				s.figs.changed()
				s.identityChanged()
			}
		}
	}()
	return nil
}

func (s *Store) listen(ctx context.Context, dsn string) (*pgxConn, error) {
	conn, err := pgConnect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(ctx, "LISTEN "+peerChannel); err != nil {
		conn.Close(ctx)
		return nil, err
	}
	return conn, nil
}

// receive applies notices until the connection fails or ctx ends.
func (s *Store) receive(ctx context.Context, conn *pgxConn) {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return
		}
		from, kind, _ := strings.Cut(n.Payload, " ")
		if from == s.server {
			continue
		}
		s.figs.changed()
		if kind == peerIdentity {
			s.identityChanged()
		}
	}
}

func (s *Store) stopPeers() {
	if s.peersStop == nil {
		return
	}
	s.peersStop()
	<-s.peersDone
}
