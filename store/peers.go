package store

import (
	"context"
	"strings"
	"time"
)

// Several portal servers may share one PostgreSQL database behind a reverse proxy. What
// one of them keeps in memory must follow what the others write, through notices on the
// channel below (pg_notify), which every server listens to.
//
// A change of a class, school or student sends a notice of identity inside its own
// transaction (delivered when it commits, and only if it does); the others empty their
// hot caches as the writing server does. Other writes change only figures, and there are
// many (every hand-in of a city-wide test): a NOTIFY in each of their transactions would
// make PostgreSQL commit them one at a time (NOTIFY takes a global lock at commit; the
// quiz hand-in went from thousands a second to under a hundred). So a server sends one
// notice of figures at most every notifyEvery after its commits (notifySoon), and figures
// are also computed again after figuresTTL whatever the notices (a server that died
// between a commit and its notice leaves the others stale for that long at most). A notice
// of figures moves the figures' generation (cache.go), so the next reader computes them
// again. A server whose listening connection broke may have missed notices: when it is
// back it treats everything as changed.
//
// Bounds on what another server may serve: figures of before a write for notifyEvery
// plus the delivery (milliseconds on one network), at most figuresTTL; identity never
// stale after the writing transaction committed, except while a listener reconnects
// (peerReconnect).
//
// Sessions, attempts and the classes sessions show are not cached at all on PostgreSQL
// (postgres.go), so no server can act on another's stale session or attempt.

const peerChannel = "portal_changes"

// peerReconnect is how long the listener waits before connecting again.
const peerReconnect = time.Second

// notifyEvery is the most often one server sends a notice of figures; figuresTTL bounds
// how long figures are served on PostgreSQL without a notice.
const (
	notifyEvery = 20 * time.Millisecond
	figuresTTL  = 10 * time.Second
)

// notifySoon asks the notifier to tell the other servers that figures changed.
func (s *Store) notifySoon() {
	select {
	case s.notify <- struct{}{}:
	default: // a notice is already due
	}
}

// notifier sends the notices notifySoon asks for, one per notifyEvery at most, until done.
func (s *Store) notifier(done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case <-s.notify:
		}
		select {
		case <-done:
		case <-time.After(notifyEvery):
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s.write.ExecContext(ctx, `SELECT pg_notify(?, ?)`, peerChannel, s.server+" "+peerChanged)
		cancel()
	}
}

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
	s.figs.ttl = figuresTTL
	go s.notifier(pctx.Done())
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
