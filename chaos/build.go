package chaos

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
)

// ServicePackage is the import path of the service binary.
const ServicePackage = "github.com/gamehost/transitquest/cmd/transitquest"

// BuildService builds the service binary into dir with the go command on
// PATH (cgo on: librdkafka) and returns its path.
func BuildService(ctx context.Context, dir string) (string, error) {
	bin, err := filepath.Abs(filepath.Join(dir, "transitquest"))
	if err != nil {
		return "", fmt.Errorf("build %s: %w", ServicePackage, err)
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ServicePackage)
	cmd.Env = append(cmd.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %w\n%s", ServicePackage, err, out)
	}
	return bin, nil
}
