// Command nurture runs the Nurture server; see internal/cli.
package main

import (
	"os"

	"nurture/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
