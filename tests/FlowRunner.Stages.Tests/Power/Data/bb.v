module mem_in (input clk, input ce, input we, input [8:0] addr, input [15:0] din, output reg [15:0] dout);
endmodule
module rom_conv1 #(parameter INIT_FILE = "rom_conv1.hex") (input clk, input ce, input [2:0] addr, output reg [143:0] dout);
endmodule
