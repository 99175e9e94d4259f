package uploads

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// withOrientation returns a JPEG of img carrying an EXIF orientation tag, as a phone
// writes it.
func withOrientation(t *testing.T, img image.Image, o uint16, order binary.ByteOrder) []byte {
	t.Helper()
	var enc bytes.Buffer
	if err := jpeg.Encode(&enc, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	tiff := make([]byte, 8+2+12+4)
	if order == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	order.PutUint16(tiff[2:], 42)
	order.PutUint32(tiff[4:], 8)
	order.PutUint16(tiff[8:], 1)
	order.PutUint16(tiff[10:], 0x0112)
	order.PutUint16(tiff[12:], 3) // SHORT
	order.PutUint32(tiff[14:], 1)
	order.PutUint16(tiff[18:], o)
	app1 := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(app1)+2))
	jpg := enc.Bytes()
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

// leftRed is 80×40 with its left half red and right half blue.
func leftRed() image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 80, 40))
	for y := 0; y < 40; y++ {
		for x := 0; x < 80; x++ {
			c := color.RGBA{0, 0, 255, 255}
			if x < 40 {
				c = color.RGBA{255, 0, 0, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

func isRed(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r > 0xC000 && g < 0x4000 && b < 0x4000
}

func TestPhoneOrientationIsApplied(t *testing.T) {
	tests := []struct {
		o            uint16
		order        binary.ByteOrder
		w, h         int
		redX, redY   int // a point that must be red after turning
		blueX, blueY int // and one that must not
		name         string
	}{
		{1, binary.BigEndian, 80, 40, 10, 20, 70, 20, "upright"},
		{6, binary.LittleEndian, 40, 80, 20, 10, 20, 70, "turned 90° clockwise"},
		{8, binary.BigEndian, 40, 80, 20, 70, 20, 10, "turned 90° anticlockwise"},
		{3, binary.LittleEndian, 80, 40, 70, 20, 10, 20, "upside down"},
		{2, binary.BigEndian, 80, 40, 70, 20, 10, 20, "mirrored"},
	}
	for _, tt := range tests {
		data := withOrientation(t, leftRed(), tt.o, tt.order)
		if got := exifOrientation(data); got != int(tt.o) {
			t.Fatalf("%s: exifOrientation = %d, want %d", tt.name, got, tt.o)
		}
		p, err := ConvertPhoto(data)
		if err != nil {
			t.Fatalf("%s: ConvertPhoto: %v", tt.name, err)
		}
		img, err := jpeg.Decode(bytes.NewReader(p.Full))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h || p.Width != tt.w || p.Height != tt.h {
			t.Errorf("%s: size %v (%d×%d), want %d×%d", tt.name, b, p.Width, p.Height, tt.w, tt.h)
			continue
		}
		if !isRed(img.At(tt.redX, tt.redY)) || isRed(img.At(tt.blueX, tt.blueY)) {
			t.Errorf("%s: red/blue halves in the wrong place", tt.name)
		}
	}
}

// FuzzExifOrientation feeds arbitrary headers to the EXIF reader: it never panics and
// answers 1–8.
func FuzzExifOrientation(f *testing.F) {
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0})
	f.Add([]byte("\xFF\xD8\xFF\xE1\x00\x20Exif\x00\x00II*\x00\x08\x00\x00\x00\x01\x00\x12\x01\x03\x00\x01\x00\x00\x00\x06\x00"))
	f.Add([]byte{0xFF, 0xD8})
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 1 || o > 8 {
			t.Errorf("exifOrientation = %d", o)
		}
	})
}
