// A tiny MAC with its operand memory and weight ROM as black boxes, for the power stage's OpenSTA tests.
module accel (input clk, input rst, input wr_en, input [15:0] wr_data, input start, output reg done, output [19:0] rd_data);
  reg [8:0] addr;
  reg [2:0] waddr;
  reg [7:0] x_q, w_q;
  reg [19:0] acc;
  wire [15:0] mem_dout;
  wire [143:0] rom_dout;
  mem_in u_mem (.clk(clk), .ce(1'b1), .we(wr_en), .addr(addr), .din(wr_data), .dout(mem_dout));
  rom_conv1 #(.INIT_FILE("rom_conv1.hex")) u_rom (.clk(clk), .ce(1'b1), .addr(waddr), .dout(rom_dout));
  always @(posedge clk) begin
    if (rst) begin addr <= 0; waddr <= 0; x_q <= 0; w_q <= 0; acc <= 0; done <= 0; end
    else begin
      addr <= addr + 1; waddr <= waddr + 1;
      x_q <= mem_dout[7:0]; w_q <= rom_dout[7:0];
      acc <= start ? 20'd0 : acc + $signed(x_q) * $signed(w_q);
      done <= addr == 9'd391;
    end
  end
  assign rd_data = acc;
endmodule
