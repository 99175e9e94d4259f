package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/jinducity/portal/content"
	"github.com/jinducity/portal/handlers"
	"github.com/jinducity/portal/static"
	"github.com/jinducity/portal/store"
)

// serveEnv, when set to a database path, makes the bench binary the server process: it
// serves the portal on a loopback port, prints the address, and runs until its standard
// input closes. With BENCH_CPUPROFILE set, the bench writes "start NAME" and "stop" lines to
// the server's standard input around each scenario's measured time, and the server writes
// the CPU profile of that time to BENCH_CPUPROFILE.NAME.
const serveEnv = "PORTAL_BENCH_SERVE"

// startServer starts this binary as the server process on the copy of the data set.
func (b *bench) startServer(db string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), serveEnv+"="+db, "BENCH_CPUPROFILE="+b.cpuProfile)
	cmd.Stderr = os.Stderr
	if b.stdin, err = cmd.StdinPipe(); err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	b.cmd = cmd
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return fmt.Errorf("the server process did not start: %v", err)
	}
	go io.Copy(io.Discard, out)
	b.base = "http://" + strings.TrimSpace(line)
	return nil
}

// serverRSSMB reads the server process's peak resident memory (VmHWM).
func (b *bench) serverRSSMB() float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", b.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	var kb float64
	for _, line := range strings.Split(string(data), "\n") {
		if n, _ := fmt.Sscanf(line, "VmHWM: %f kB", &kb); n == 1 {
			return round1(kb / 1024)
		}
	}
	return 0
}

// stopServer closes the server's standard input and waits for it to finish.
func (b *bench) stopServer() {
	if b.cmd == nil {
		return
	}
	b.stdin.Close()
	done := make(chan struct{})
	go func() { b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		b.cmd.Process.Kill()
		<-done
	}
}

// serve is the server process: the real portal, as `portal serve` builds it, plus the
// ceiling's fixed answer behind the same middleware.
func serve(db string) error {
	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	cnt, err := content.Load()
	if err != nil {
		return err
	}
	assets, err := static.New()
	if err != nil {
		return err
	}
	key := make([]byte, 32)
	rand.Read(key)
	// Requests are logged at warning level only: a line per request to a terminal would
	// measure the terminal.
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// The server's settings are portal serve's.
	working, err := handlers.WorkingFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	handlers.TuneMemory(os.Getenv)
	cfg := handlers.Config{Store: st, Content: cnt, Assets: assets, Log: log,
		SessionKeys: [][]byte{key, nil}, LoginPerIP: 1 << 20, Working: working}
	if st.Postgres() {
		cfg.Files = st.Files() // as portal serve does on PostgreSQL
	}
	h, err := handlers.New(cfg)
	if err != nil {
		return err
	}
	home, err := renderedSize(h)
	if err != nil {
		return err
	}
	ceiling := make([]byte, home)
	for i := range ceiling {
		ceiling[i] = 'x'
	}
	mux := http.NewServeMux()
	mux.Handle("/__ceiling", h.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(ceiling)
	})))
	mux.Handle("/", h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	fmt.Println(ln.Addr().String())
	profile(os.Getenv("BENCH_CPUPROFILE"), os.Stdin) // until the bench closes it: the run is over
	return srv.Close()
}

// profile follows the bench's "start NAME" and "stop" lines until in closes, writing a CPU
// profile of each measured time to base.NAME, and the heap at its start to base.NAME.heap,
// when base is set.
func profile(base string, in io.Reader) {
	var f *os.File
	stop := func() {
		if f != nil {
			pprof.StopCPUProfile()
			f.Close()
			f = nil
		}
	}
	defer stop()
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		name, ok := strings.CutPrefix(sc.Text(), "start ")
		stop()
		if !ok || base == "" {
			continue
		}
		// The heap as the measured time starts: what earlier scenarios left.
		if h, err := os.Create(base + "." + name + ".heap"); err == nil {
			runtime.GC()
			pprof.WriteHeapProfile(h)
			h.Close()
		}
		var err error
		if f, err = os.Create(base + "." + name); err != nil {
			fmt.Fprintln(os.Stderr, "bench server: profile:", err)
			continue
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "bench server: profile:", err)
			f.Close()
			f = nil
		}
	}
}

// measuring tells the server that a scenario's measured time starts (name) or ends ("").
func (b *bench) measuring(name string) {
	if b.cpuProfile == "" || b.stdin == nil {
		return
	}
	if name == "" {
		io.WriteString(b.stdin, "stop\n")
		return
	}
	io.WriteString(b.stdin, "start "+name+"\n")
}

// renderedSize renders the home page once to size the ceiling's answer like it.
func renderedSize(h http.Handler) (int, error) {
	rec := &sizeWriter{header: http.Header{}}
	req, _ := http.NewRequest(http.MethodGet, "/", nil)
	h.ServeHTTP(rec, req)
	if rec.status != 0 && rec.status != http.StatusOK {
		return 0, fmt.Errorf("home page answered %d", rec.status)
	}
	return rec.n, nil
}

type sizeWriter struct {
	header http.Header
	status int
	n      int
}

func (w *sizeWriter) Header() http.Header         { return w.header }
func (w *sizeWriter) WriteHeader(s int)           { w.status = s }
func (w *sizeWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }
