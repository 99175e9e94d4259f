package uploads

import (
	"bytes"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/jinducity/portal"
)

func pngBytes(t testing.TB, w, h int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, x%h, color.NRGBA{200, 0, 0, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegBytes(t testing.TB, w, h int) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewRGBA(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A minimal lossless WebP of 1×1 pixel.
var webp1x1 = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")

// hugePNG is a PNG header claiming 20000 × 20000 pixels.
func hugePNG(t *testing.T) []byte {
	b := pngBytes(t, 2, 2)
	// The IHDR chunk's width and height sit at bytes 16–23, its CRC at 29–32.
	var buf bytes.Buffer
	buf.Write(b[:16])
	buf.Write([]byte{0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20})
	buf.Write(b[24:29])
	crc := crc32IEEE(buf.Bytes()[12:29])
	buf.Write([]byte{byte(crc >> 24), byte(crc >> 16), byte(crc >> 8), byte(crc)})
	buf.Write(b[33:])
	return buf.Bytes()
}

func TestCheckPhoto(t *testing.T) {
	tests := []struct {
		name   string
		data   []byte
		err    error
		format string
		w, h   int
	}{
		{"png", pngBytes(t, 30, 20), nil, "png", 30, 20},
		{"jpeg", jpegBytes(t, 64, 48), nil, "jpeg", 64, 48},
		{"webp", webp1x1, nil, "webp", 1, 1},
		{"text named .jpg", []byte("hello, I am a photo"), ErrNotImage, "", 0, 0},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), ErrNotImage, "", 0, 0},
		{"truncated png", pngBytes(t, 30, 20)[:20], ErrNotImage, "", 0, 0},
		{"pdf", []byte("%PDF-1.4\n"), ErrNotImage, "", 0, 0},
		{"huge dimensions", hugePNG(t), ErrPhotoPixels, "", 0, 0},
		{"over 5 MB", append(pngBytes(t, 2, 2), make([]byte, portal.MaxPhotoBytes)...), ErrPhotoTooLarge, "", 0, 0},
	}
	for _, tt := range tests {
		info, err := CheckPhoto(tt.data)
		if !errors.Is(err, tt.err) || info.Format != tt.format || info.Width != tt.w || info.Height != tt.h {
			t.Errorf("%s: CheckPhoto = %+v, %v, want %s %d×%d, %v", tt.name, info, err, tt.format, tt.w, tt.h, tt.err)
		}
		if err == nil && info.Kind != portal.FilePhoto {
			t.Errorf("%s: kind = %q", tt.name, info.Kind)
		}
	}
}

func TestCheckPDF(t *testing.T) {
	if _, err := CheckPDF([]byte("%PDF-1.7\n%…")); err != nil {
		t.Errorf("PDF refused: %v", err)
	}
	if _, err := CheckPDF([]byte("<html>%PDF-")); !errors.Is(err, ErrNotPDF) {
		t.Errorf("HTML accepted as PDF: %v", err)
	}
	if _, err := CheckPDF(append([]byte("%PDF-"), make([]byte, portal.MaxPDFBytes)...)); !errors.Is(err, ErrPDFTooLarge) {
		t.Errorf("11 MB PDF: %v", err)
	}
}

func TestConvertPhotoScalesAndMakesThumbnail(t *testing.T) {
	p, err := ConvertPhoto(pngBytes(t, 3000, 1500))
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != FullSide || p.Height != FullSide/2 {
		t.Errorf("full size = %d×%d, want %d×%d", p.Width, p.Height, FullSide, FullSide/2)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(p.Thumb))
	if err != nil || cfg.Width != ThumbSide || cfg.Height != ThumbSide/2 {
		t.Errorf("thumbnail = %+v, %v", cfg, err)
	}
	// A header that promises more than the data holds is refused, not half-converted.
	broken := pngBytes(t, 100, 100)
	if _, err := ConvertPhoto(broken[:len(broken)-30]); !errors.Is(err, ErrPhotoBroken) {
		t.Errorf("truncated PNG: %v, want ErrPhotoBroken", err)
	}
}

func TestDirSaveReadRemove(t *testing.T) {
	d, err := OpenDir(filepath.Join(t.TempDir(), "uploads"))
	if err != nil {
		t.Fatal(err)
	}
	name, err := d.Save([]byte("%PDF-1.4"), ".pdf")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := d.Read(name); err != nil || string(b) != "%PDF-1.4" {
		t.Errorf("Read = %q, %v", b, err)
	}
	for _, bad := range []string{"../portal.db", "/etc/passwd", "x.jpg", name + "/.."} {
		if _, err := d.Read(bad); err == nil {
			t.Errorf("Read(%q) succeeded", bad)
		}
	}
	if err := d.Remove(name, "../portal.db", DemoName(1, false)); err != nil {
		t.Fatal(err)
	}
	if files, _ := d.Files(); len(files) != 0 {
		t.Errorf("left in the folder: %v", files)
	}
	if _, err := os.Stat(filepath.Join(d.Path(), name)); err == nil {
		t.Error("file not removed")
	}
}

func TestDemoIllustrations(t *testing.T) {
	d, _ := OpenDir(t.TempDir())
	for i := range DemoIllustrations {
		for _, thumb := range []bool{false, true} {
			b, err := d.Read(DemoName(i, thumb))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := CheckPhoto(b); err != nil {
				t.Errorf("%s: %v", DemoName(i, thumb), err)
			}
		}
	}
}

// FuzzCheckPhoto feeds the upload checker any bytes: it never panics, what it accepts is
// within the limits, and converting what it accepts never panics either.
func FuzzCheckPhoto(f *testing.F) {
	f.Add(pngBytes(f, 3, 2))
	f.Add(jpegBytes(f, 8, 8))
	f.Add(webp1x1)
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE0})
	f.Add([]byte("%PDF-1.4"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := CheckPhoto(data)
		if err != nil {
			if portal.ErrorCode(err) != portal.EINVALID {
				t.Fatalf("CheckPhoto error %v is not a user-facing one", err)
			}
			return
		}
		if info.Width <= 0 || info.Height <= 0 || info.Width > MaxSide || info.Height > MaxSide || info.Width*info.Height > MaxPixels {
			t.Fatalf("accepted %d×%d", info.Width, info.Height)
		}
		if info.Format != "jpeg" && info.Format != "png" && info.Format != "webp" {
			t.Fatalf("accepted format %q", info.Format)
		}
		if info.Width*info.Height <= 1<<20 {
			if p, err := ConvertPhoto(data); err == nil && (len(p.Full) == 0 || len(p.Thumb) == 0) {
				t.Fatal("converted to nothing")
			}
		}
	})
}

func crc32IEEE(b []byte) uint32 { return crc32.ChecksumIEEE(b) }
